import {
  ServerFrameSchema,
  type CannedReply,
  type ServerFrame,
  type PresenceChoice,
  type Team,
  type Transfer,
  type ConversationSummary,
  type PaymentSettings,
  type PaymentSummary,
  type SessionInfo,
} from '@parley/protocol';
import { ApiError, consoleApi } from './api';
import { paymentsApi } from './payments-api';
import { filesApi } from './files-api';
import { deskApi } from './desk-api';
import { feedbackApi } from './feedback-api';
import { routingApi } from './routing-api';
import { browserStorage, ConsoleOutbox } from './outbox';
import { alertFor, fireAlert, setNotificationSettings } from './notify';
import { mergePayments, ReconnectingSocket, type SocketStatus } from '@parley/realtime-client';
import {
  applyServerFrame,
  emptyState,
  lastSeqOf,
  mergeMessages,
  addNotes,
  setRating,
  addTransfers,
  setPresence,
  selectConversation,
  setFiles,
  upsertConversations,
  type ConsoleState,
} from './state';
import { errorOf } from './errors';
import { t } from '../i18n';

const TYPING_REFRESH_MS = 3000;

/**
 * The agent's live view: conversation lists over REST, kept current by
 * /ws/agent frames; each conversation on screen (and each of mine) is
 * subscribed with resume so its messages arrive live and gaps are replayed.
 */
export class ConsoleClient {
  state: ConsoleState = emptyState;
  status: SocketStatus = 'connecting';
  paymentSettings: PaymentSettings | null = null;
  /** The organisation's canned replies (docs/desk.md), loaded at start. */
  canned: CannedReply[] = [];
  /** The organisation's teams (docs/routing.md), loaded at start. */
  teams: Team[] = [];
  private activityAt = 0;
  private readonly socket: ReconnectingSocket;
  private readonly outbox: ConsoleOutbox;
  private readonly subscribed = new Set<string>();
  private ready = false;
  private typingSentAt: Record<string, number> = {};
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimers: Record<string, ReturnType<typeof setTimeout>> = {};
  /** Conversations whose resume is replaying: old news, never alerted (docs/desk.md). */
  private readonly replaying = new Set<string>();
  /** The read mark last stored per conversation, so a mark is written once. */
  private readStored: Record<string, number> = {};

  constructor(
    private readonly session: SessionInfo,
    private readonly onChange: () => void,
    private readonly onSignedOut: () => void,
  ) {
    this.outbox = new ConsoleOutbox(browserStorage(), session.agent.id);
    // Replies left unacknowledged by the last page view are shown pending and sent on ready.
    const pending: ConsoleState['pending'] = {};
    for (const p of this.outbox.list())
      pending[p.conversationId] = [...(pending[p.conversationId] ?? []), p];
    this.state = { ...emptyState, pending };
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`;
    this.socket = new ReconnectingSocket(url, {
      onOpen: () => {},
      onMessage: (raw) => this.handle(raw),
      onStatus: (s) => {
        if (s !== 'connected') this.ready = false;
        this.status = s;
        this.onChange();
      },
      onFatal: (code) =>
        // 4023: the session locked (idle); the app asks the server which it is.
        code === 4001 || code === 4023
          ? this.onSignedOut()
          : this.set({
              ...this.state,
              notice: t('workspace.socketRefused'),
            }),
    });
  }

  get me(): SessionInfo['agent'] {
    return this.session.agent;
  }

  get organisationName(): string {
    return this.session.organisation.name;
  }

  /** (Re)loads the canned replies; without them the reply box works as before. */
  loadCanned(): void {
    deskApi.canned().then(
      (list) => {
        this.canned = list;
        this.onChange();
      },
      () => undefined,
    );
  }

  /** Teams, everyone's presence and the offers waiting for this agent (docs/routing.md). */
  async loadRouting(): Promise<void> {
    try {
      const [teams, presence, incoming] = await Promise.all([
        routingApi.teams(),
        routingApi.presence(),
        routingApi.incoming(),
      ]);
      this.teams = teams;
      let next = setPresence(this.state, presence);
      for (const t of incoming) next = addTransfers(next, t.conversationId, [t]);
      this.set(next);
    } catch {
      // Routing is an extra on the workspace; conversations work without it.
    }
  }

  /** Team ids this agent belongs to. */
  get myTeamIds(): string[] {
    return this.teams.filter((t) => t.memberIds.includes(this.me.id)).map((t) => t.id);
  }

  /** The agent used the page: tells the server at most once a minute (away after inactivity). */
  noteActivity(): void {
    const now = Date.now();
    if (now - this.activityAt < 60_000) return;
    this.activityAt = now;
    routingApi.activity().then(
      (p) => this.set(setPresence(this.state, [p])),
      () => undefined,
    );
  }

  async setStatus(status: PresenceChoice): Promise<string | null> {
    try {
      const p = await routingApi.setStatus(status);
      this.set(setPresence(this.state, [p]));
      return null;
    } catch (e) {
      return errorOf(e);
    }
  }

  async loadTransfers(id: string): Promise<void> {
    try {
      const list = await routingApi.transfers(id);
      this.set(addTransfers(this.state, id, list));
    } catch {
      // The history of transfers is an extra; the conversation works without it.
    }
  }

  /** Offers the conversation to an agent or team; returns an error to show. */
  async transfer(
    id: string,
    to: { toAgentId: string } | { toTeamId: string },
    note: string,
  ): Promise<string | null> {
    try {
      const t = await routingApi.transfer(id, to, note);
      this.set(addTransfers(this.state, id, [t]));
      return null;
    } catch (e) {
      return errorOf(e);
    }
  }

  async answerTransfer(t: Transfer, accept: boolean): Promise<string | null> {
    try {
      const done = accept ? await routingApi.accept(t.id) : await routingApi.decline(t.id);
      this.set(addTransfers(this.state, t.conversationId, [done]));
      if (accept) {
        this.subscribe(t.conversationId);
        await this.select(t.conversationId);
      }
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'transfer_answered')
        void this.loadTransfers(t.conversationId);
      return errorOf(e);
    }
  }

  start(): void {
    this.socket.start();
    void this.reloadLists();
    this.loadCanned();
    void this.loadUnread();
    deskApi.notificationSettings().then(setNotificationSettings, () => undefined);
    void this.loadRouting();
    paymentsApi.settings().then(
      (p) => {
        this.paymentSettings = p;
        this.onChange();
      },
      () => undefined,
    );
  }

  stop(): void {
    this.socket.stop();
    if (this.typingTimer) clearTimeout(this.typingTimer);
    for (const t of Object.values(this.typingTimers)) clearTimeout(t);
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  /** When the socket tries again while `reconnecting` (epoch ms). */
  get retryAt(): number | null {
    return this.socket.retryAt;
  }

  async reloadLists(): Promise<void> {
    try {
      const lists = await Promise.all(
        (['waiting', 'active', 'closed'] as const).map((s) => consoleApi.conversations(s)),
      );
      this.set(upsertConversations(this.state, lists.flat()));
      for (const c of Object.values(this.state.conversations))
        if (c.status === 'active' && c.agent?.id === this.me.id) this.subscribe(c.id);
    } catch (e) {
      this.handleApiError(e);
    }
  }

  async select(id: string | null): Promise<void> {
    this.set(selectConversation(this.state, id));
    if (!id) return;
    this.subscribe(id);
    try {
      // History over REST in pages; the socket's resume then fills any gap.
      for (;;) {
        const page = await consoleApi.messages(id, lastSeqOf(this.state, id));
        this.set({
          ...this.state,
          messages: {
            ...this.state.messages,
            [id]: mergeMessages(this.state.messages[id] ?? [], page),
          },
        });
        if (page.length < 500) break;
      }
    } catch (e) {
      this.handleApiError(e);
    }
    await this.loadPayments(id);
    await this.loadFiles(id);
    await this.loadNotes(id);
    await this.loadRating(id);
    await this.loadTransfers(id);
    this.markRead(id);
  }

  /** The customer's rating over REST (on select); live frames keep it current. */
  async loadRating(id: string): Promise<void> {
    try {
      const rating = await feedbackApi.rating(id);
      if (rating) this.set(setRating(this.state, rating));
    } catch {
      // A rating is an extra; the conversation works without it.
    }
  }

  /** Queues the transcript for the customer's address. Returns an error to show. */
  async sendTranscript(id: string, email: string): Promise<string | null> {
    try {
      await feedbackApi.sendTranscript(id, email);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onSignedOut();
      return errorOf(e);
    }
  }

  /** Internal notes over REST (on select and after every resume); live frames keep them current. */
  async loadNotes(id: string): Promise<void> {
    try {
      // Fetched before the state is read: frames that arrive while the request is out
      // land in this.state, and a state read before the await would overwrite them.
      const notes = await deskApi.notes(id);
      this.set(addNotes(this.state, id, notes));
    } catch {
      // Notes are an extra; the conversation works without them.
    }
  }

  /** Adds an internal note; `clientId` is the caller's, reused on a retry. Returns an error to show. */
  async addNote(id: string, clientId: string, text: string): Promise<string | null> {
    try {
      const note = await deskApi.addNote(id, clientId, text);
      this.set(addNotes(this.state, id, [note]));
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onSignedOut();
      return errorOf(e);
    }
  }

  /** File cards of a conversation over REST (on select and after every resume); live frames keep them current. */
  async loadFiles(id: string): Promise<void> {
    try {
      const files = await filesApi.list(id);
      this.set(setFiles(this.state, id, files));
    } catch {
      // Files are an extra; the conversation works without them.
    }
  }

  /** Payment cards of a conversation over REST (on select and after every resume); live frames keep them current. */
  async loadPayments(id: string): Promise<void> {
    try {
      this.setPayments(id, await paymentsApi.list(id));
    } catch {
      // Payments are an extra; the conversation works without them.
    }
  }

  async requestPayment(
    id: string,
    body: { amount: number; currency: string; description: string; idempotencyKey: string },
  ): Promise<string | null> {
    return this.payment(id, () => paymentsApi.request(id, body));
  }

  async cancelPayment(conversationId: string, paymentId: string): Promise<string | null> {
    return this.payment(conversationId, () => paymentsApi.cancel(paymentId));
  }

  /**
   * A refund is one intent with one idempotency key, made by the caller when
   * the intent starts and reused on every retry (issue 18: a fresh key per
   * click refunded twice when an answer was lost).
   */
  async refundPayment(
    conversationId: string,
    paymentId: string,
    amount: number | 'full',
    idempotencyKey: string,
  ): Promise<string | null> {
    return this.payment(conversationId, () =>
      paymentsApi.refund(
        paymentId,
        amount === 'full' ? { full: true, idempotencyKey } : { amount, idempotencyKey },
      ),
    );
  }

  private async payment(
    conversationId: string,
    act: () => Promise<PaymentSummary>,
  ): Promise<string | null> {
    try {
      this.setPayments(conversationId, [await act()]);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onSignedOut();
      return errorOf(e);
    }
  }

  private setPayments(id: string, list: PaymentSummary[]): void {
    this.set({
      ...this.state,
      payments: {
        ...this.state.payments,
        [id]: mergePayments(this.state.payments[id] ?? [], list),
      },
    });
  }

  /** Accepts a waiting conversation; returns a message to show on failure. */
  async accept(id: string): Promise<string | null> {
    return this.change(id, () => consoleApi.accept(id));
  }

  async close(id: string): Promise<string | null> {
    return this.change(id, () => consoleApi.close(id));
  }

  send(id: string, text: string): void {
    // Kept (masked) in the outbox until acknowledged: a reload or a drop loses nothing.
    const reply = this.outbox.add(id, text, crypto.randomUUID());
    this.set({
      ...this.state,
      pending: { ...this.state.pending, [id]: [...(this.state.pending[id] ?? []), reply] },
    });
    this.typing(id, false);
    if (this.ready) this.socket.send({ type: 'send', ...reply });
  }

  typing(id: string, typing: boolean): void {
    const now = Date.now();
    const timer = this.typingTimers[id];
    if (timer) clearTimeout(timer);
    if (typing) {
      if (now - (this.typingSentAt[id] ?? 0) > TYPING_REFRESH_MS) {
        this.typingSentAt[id] = now;
        if (this.ready) this.socket.send({ type: 'typing', conversationId: id, typing: true });
      }
      this.typingTimers[id] = setTimeout(() => this.typing(id, false), TYPING_REFRESH_MS + 1000);
    } else if (this.typingSentAt[id]) {
      this.typingSentAt[id] = 0;
      if (this.ready) this.socket.send({ type: 'typing', conversationId: id, typing: false });
    }
  }

  markRead(id: string): void {
    const seq = lastSeqOf(this.state, id);
    if (this.ready && seq > 0) this.socket.send({ type: 'read', conversationId: id, seq });
    // Stored per agent, so the count survives a reload and agrees on every node and tab.
    if (seq > (this.readStored[id] ?? 0)) {
      this.readStored[id] = seq;
      deskApi.markRead(id, seq).catch(() => {
        this.readStored[id] = 0;
      });
    }
  }

  private isReplaying(frame: ServerFrame): boolean {
    const id = 'conversationId' in frame ? frame.conversationId : undefined;
    return id !== undefined && this.replaying.has(id);
  }

  /** Unread counts from the stored read marks (on start and every reconnect). */
  async loadUnread(): Promise<void> {
    try {
      const list = await deskApi.unread();
      const unread: Record<string, number> = {};
      for (const u of list)
        if (u.conversationId !== this.state.selectedId) unread[u.conversationId] = u.unread;
      this.set({ ...this.state, unread });
    } catch {
      // Counts stay as the live frames made them.
    }
  }

  dismissNotice(): void {
    this.set({ ...this.state, notice: null });
  }

  private async change(
    id: string,
    act: () => Promise<ConversationSummary>,
  ): Promise<string | null> {
    try {
      const c = await act();
      this.set(upsertConversations(this.state, [c]));
      if (c.status === 'active') this.subscribe(id);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onSignedOut();
      if (
        e instanceof ApiError &&
        (e.code === 'conversation_taken' || e.code === 'conversation_closed')
      )
        void this.reloadLists();
      return errorOf(e);
    }
  }

  private subscribe(id: string): void {
    if (this.subscribed.has(id)) return;
    this.subscribed.add(id);
    if (this.ready) {
      this.replaying.add(id);
      this.socket.send({ type: 'resume', conversationId: id, afterSeq: lastSeqOf(this.state, id) });
    }
  }

  private handle(raw: string): void {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'ready') {
      this.ready = true;
      this.socket.markReady();
      void this.reloadLists();
      void this.loadRouting();
      void this.loadUnread();
      for (const id of this.subscribed) this.replaying.add(id);
      for (const id of this.subscribed)
        this.socket.send({
          type: 'resume',
          conversationId: id,
          afterSeq: lastSeqOf(this.state, id),
        });
      // Replies not acknowledged before the drop go again with the same id; the server dedupes.
      for (const list of Object.values(this.state.pending))
        for (const p of list) this.socket.send({ type: 'send', ...p });
      return;
    }
    const alert = alertFor(this.state, frame, {
      meId: this.me.id,
      teams: this.teams,
      replaying: this.isReplaying(frame),
      visible: document.visibilityState === 'visible',
    });
    if (frame.type === 'resumed') this.replaying.delete(frame.conversationId);
    this.set(applyServerFrame(this.state, frame));
    fireAlert(alert, (id) => void this.select(id));
    if ((frame.type === 'ack' || frame.type === 'error') && frame.clientMsgId) {
      const id = frame.clientMsgId;
      // Acknowledged, or refused for good (no longer pending): the outbox forgets it.
      const still = Object.values(this.state.pending).some((l) =>
        l.some((p) => p.clientMsgId === id),
      );
      if (!still) this.outbox.remove(id);
    }
    if (frame.type === 'resumed') void this.loadPayments(frame.conversationId);
    if (frame.type === 'resumed') void this.loadFiles(frame.conversationId);
    if (frame.type === 'resumed') void this.loadNotes(frame.conversationId);
    // Assigned by routing or handed over: this agent's chats are followed live.
    if (
      frame.type === 'conversation' &&
      frame.conversation.status === 'active' &&
      frame.conversation.agent?.id === this.me.id
    )
      this.subscribe(frame.conversation.id);
    if (frame.type === 'typing' && frame.from === 'visitor') {
      const t = this.typingTimers[`v:${frame.conversationId}`];
      if (t) clearTimeout(t);
      // A lost "stopped typing" frame must not leave the indicator on forever.
      if (frame.typing)
        this.typingTimers[`v:${frame.conversationId}`] = setTimeout(
          () => this.set(applyServerFrame(this.state, { ...frame, typing: false })),
          8000,
        );
    }
    if (
      frame.type === 'message' &&
      frame.conversationId === this.state.selectedId &&
      document.visibilityState === 'visible'
    )
      this.markRead(frame.conversationId);
  }

  private handleApiError(e: unknown): void {
    if (e instanceof ApiError && e.status === 401) this.onSignedOut();
    else
      this.set({
        ...this.state,
        notice: errorOf(e),
      });
  }

  private set(state: ConsoleState): void {
    this.state = state;
    this.onChange();
  }
}
