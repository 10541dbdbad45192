// Figures the fault suite measures (recovery times, acks checked), printed as
// one line each so a run can be copied into bench/README.md's Faults section.
export function recordFigure(fault: string, figures: Record<string, unknown>): void {
  process.stdout.write(`FAULT-FIGURE ${JSON.stringify({ fault, ...figures })}\n`);
}
