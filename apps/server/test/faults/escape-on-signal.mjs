// Preloaded (node --import) into `parley start` by restart.fault.ts: SIGUSR2 lets
// an error escape every handler, the fault the process guard answers with a drain
// and exit 70. Only the test sends the signal, and only to the server child.
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('fault suite: an escaped rejection'));
});
