// The SQLite writer thread: runs one store's write transactions on a connection
// of its own, so that the commit's WAL flush (synchronous=FULL, a disk flush per
// commit) blocks this thread and not the server's event loop. Plain JavaScript
// so that it loads the same way under tsx, Vitest and `node bin/parley.mjs`, none
// of which register a TypeScript loader inside worker threads.
//
// Protocol (the main thread drives it, one request at a time; see
// sqlite-writer-thread.ts): { id, op: 'run', begin, sql, params } runs one
// statement (after BEGIN IMMEDIATE when `begin`) and replies { id, rows };
// { id, op: 'commit' } and { id, op: 'rollback' } end the transaction;
// { id, op: 'replace', items } rewrites stored texts in one transaction;
// { id, op: 'append', batch } (JSON of { items, now }) runs the group commit's whole
// transaction here (see appendBatch below) and replies { id, rows } (JSON) after COMMIT;
// { id, op: 'autocheckpoint', pages } sets wal_autocheckpoint (0 while the
// checkpointer thread runs); { op: 'close' } closes the connection and ends the thread. A failure replies
// { id, error } and never leaves a transaction open.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, timeoutMs, autocheckpoint } = workerData;
const db = new Database(file, { timeout: timeoutMs });
// The same pragmas as the main connection (connect.ts): an acknowledged
// message must survive power loss (DESIGN.md law 5).
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma(`busy_timeout = ${Number(timeoutMs)}`);
db.pragma('foreign_keys = ON');
// Freed pages are zeroed: a deleted or rewritten row leaves nothing in the file or the WAL.
db.pragma('secure_delete = ON');
// 0 while the checkpointer thread runs (sqlite-checkpointer.mjs): no commit here pays for one.
if (autocheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${Number(autocheckpoint)}`);

// IMMEDIATE takes the write lock up front: a deferred transaction that reads
// and then writes can fail with SQLITE_BUSY instead of waiting.
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');

// The group commit runs the same few statement shapes over and over; preparing
// is a large share of a small statement's cost.
const statements = new Map();
function prepare(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size > 256) statements.clear();
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

// The group commit's transaction as one request (issue 18, must 7): the plan in
// append-batch.ts, driven from the main thread, cost one round trip per
// statement, each waiting for a busy event loop to read the reply and compile
// the next statement with Kysely. Here every step is a prepared statement run
// synchronously inside one IMMEDIATE transaction, which already excludes every
// other writer (the plan's lock). Same outcomes as appendPlan, in the same
// order: duplicates of earlier messages, siblings in the batch, unknown or
// closed conversations, stale masking states; n consecutive seqs per
// conversation; the masking state stored with its message. The store suites
// run both paths (PARLEY_SQLITE_WRITER=inline takes the plan).
const MESSAGE_COLUMNS = `m.id, m.org_id, m.conversation_id, m.seq, m.sender_kind, m.sender_id,
  v.name as visitor_name, a.name as agent_name, m.client_msg_id, m.text, m.masked, m.created_at`;
const MESSAGE_JOINS = `from messages as m
  left join visitors as v on v.id = m.sender_id and m.sender_kind = 'visitor'
  left join agents as a on a.id = m.sender_id and m.sender_kind = 'agent'`;
let appendStatements;
let replaceStatement;
function appendStatementsOnce() {
  appendStatements ??= {
    conversation: db.prepare(
      'select id, org_id, status, created_at from conversations where id = ?',
    ),
    // Spelled like the unique index (coalesce included): one index probe.
    earlier: db.prepare(`select ${MESSAGE_COLUMNS} ${MESSAGE_JOINS}
      where m.org_id = ? and m.client_msg_id is not null and m.conversation_id = ?
        and m.sender_kind = ? and coalesce(m.sender_id, '') = ? and m.client_msg_id = ?`),
    version: db.prepare(
      'select version from mask_state where conversation_id = ? and sender_key = ?',
    ),
    bump: db.prepare(
      // first_response_at (reports, 0078): set once, by the first batch holding an agent reply.
      'update conversations set last_seq = last_seq + ?, updated_at = ?, first_response_at = coalesce(first_response_at, ?) where id = ? and org_id = ? returning last_seq',
    ),
    saveState: db.prepare(`insert into mask_state
      (conversation_id, sender_key, org_id, state, version, updated_at) values (?, ?, ?, ?, ?, ?)
      on conflict (conversation_id, sender_key) do update set
        state = excluded.state, version = excluded.version, updated_at = excluded.updated_at`),
    insert: db.prepare(`insert into messages
      (id, org_id, conversation_id, seq, sender_kind, sender_id, client_msg_id, text, masked, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // The blind search index (0112), in the message's transaction: keyed hashes only.
    term: db.prepare(`insert into search_terms (org_id, term, created_at, conversation_id)
      values (?, ?, ?, ?) on conflict do nothing`),
    visitorName: db.prepare('select name from visitors where id = ?').pluck(),
    agentName: db.prepare('select name from agents where id = ?').pluck(),
  };
  return appendStatements;
}

/**
 * The sender's stored (sealed) name, what the read-back join gave: read once per sender and
 * batch. The rest of the stored record is the caller's item, its id and seq.
 */
function senderName(item, senderNames) {
  const st = appendStatements;
  if (item.senderKind !== 'visitor' && item.senderKind !== 'agent') return null;
  if (item.senderId === null) return null;
  const nameKey = `${item.senderKind}:${item.senderId}`;
  if (!senderNames.has(nameKey))
    senderNames.set(
      nameKey,
      (item.senderKind === 'visitor' ? st.visitorName : st.agentName).get(item.senderId) ?? null,
    );
  return senderNames.get(nameKey) ?? null;
}

/**
 * Items are NewMessage (types.ts); the reply per item is
 * { ok: true, duplicate, record } (a MessageRecord, mapped on the main thread)
 * or { ok: false, code }.
 */
function appendBatch(items, now) {
  const st = appendStatementsOnce();
  const conversations = new Map();
  const conversation = (id) => {
    if (!conversations.has(id)) conversations.set(id, st.conversation.get(id));
    return conversations.get(id);
  };
  const keyOf = (i) => JSON.stringify([i.conversationId, i.senderKind, i.senderId, i.clientMsgId]);
  const versions = new Map();
  const version = (conversationId, senderKey) => {
    const k = JSON.stringify([conversationId, senderKey]);
    if (!versions.has(k)) {
      const row = st.version.get(conversationId, senderKey);
      versions.set(k, row ? Number(row.version) : 0);
    }
    return k;
  };
  const outcomes = [];
  const inBatch = new Map(); // idempotency key -> index into fresh
  const fresh = []; // { id, item }
  const perConversation = new Map(); // conversationId -> { orgId, entries: fresh[] }
  const newStates = new Map();
  const senderNames = new Map();
  for (const [position, item] of items.entries()) {
    const key = item.clientMsgId === null ? null : keyOf(item);
    const previous =
      key === null
        ? undefined
        : st.earlier.get(
            item.orgId,
            item.conversationId,
            item.senderKind,
            item.senderId ?? '',
            item.clientMsgId,
          );
    const sibling = key === null ? undefined : inBatch.get(key);
    const conv = conversation(item.conversationId);
    if (previous) {
      outcomes.push({ ok: true, duplicate: true, record: previous });
    } else if (sibling !== undefined) {
      outcomes.push({ sibling });
    } else if (!conv || conv.org_id !== item.orgId) {
      outcomes.push({ ok: false, code: 'conversation_not_found' });
    } else if (conv.status === 'closed') {
      outcomes.push({ ok: false, code: 'conversation_closed' });
    } else if (
      item.maskState !== undefined &&
      versions.get(version(item.conversationId, item.maskState.senderKey)) !== item.maskState.expect
    ) {
      outcomes.push({ ok: false, code: 'mask_state_stale' });
    } else {
      if (item.maskState !== undefined) {
        const k = version(item.conversationId, item.maskState.senderKey);
        const next = item.maskState.expect + 1;
        versions.set(k, next);
        newStates.set(k, { item, state: item.maskState.state, version: next });
      }
      const entry = { id: randomUUID(), item, seq: 0, position, index: 0 };
      const index = fresh.push(entry) - 1;
      outcomes.push({ fresh: index });
      if (key !== null) inBatch.set(key, index);
      const group = perConversation.get(item.conversationId) ?? { orgId: item.orgId, entries: [] };
      group.entries.push(entry);
      perConversation.set(item.conversationId, group);
    }
  }
  for (const [conversationId, group] of perConversation) {
    const replied = group.entries.some((e) => e.item.senderKind === 'agent') ? now : null;
    const row = st.bump.get(group.entries.length, now, replied, conversationId, group.orgId);
    if (!row) throw new Error('conversation disappeared while locked');
    const first = Number(row.last_seq) - group.entries.length + 1;
    group.entries.forEach((entry, index) => (entry.seq = first + index));
  }
  for (const { item, state, version: v } of newStates.values())
    st.saveState.run(item.conversationId, item.maskState.senderKey, item.orgId, state, v, now);
  const names = fresh.map(({ id, item, seq }, index) => {
    fresh[index].index = index;
    st.insert.run(
      id,
      item.orgId,
      item.conversationId,
      seq,
      item.senderKind,
      item.senderId,
      item.clientMsgId,
      item.text,
      JSON.stringify(item.masked),
      now,
    );
    const createdAt = conversation(item.conversationId).created_at;
    for (const term of item.searchTerms ?? [])
      st.term.run(item.orgId, term, createdAt, item.conversationId);
    return senderName(item, senderNames);
  });
  // Compact results (issue 18, must 7): the main thread holds every item, so a new message comes
  // back as its id, seq, item index and sender's (sealed) name, not as a whole record, and the
  // reply crosses the thread as one JSON string (cheaper than a structured clone of objects).
  // [1, duplicate, id, seq, item, senderName]: stored by this batch; the text is item's, which the
  // caller holds in clear, so it need not open it again. [2, record]: stored before.
  // [0, code]: refused.
  const wire = (entry, duplicate) => [
    1,
    duplicate ? 1 : 0,
    entry.id,
    entry.seq,
    entry.position,
    names[entry.index],
  ];
  return outcomes.map((o) => {
    if (o.fresh !== undefined) return wire(fresh[o.fresh], false);
    if (o.sibling !== undefined) return wire(fresh[o.sibling], true);
    if (o.ok) return [2, o.record];
    return [0, o.code];
  });
}

function rollbackIfOpen() {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, …) have already rolled back.
  if (db.inTransaction) rollback.run();
}

// Only what the caller needs to recognise an error (e.g. SQLITE_CONSTRAINT_UNIQUE
// for a retry) crosses the thread boundary.
function describe(error) {
  if (error instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

function handle(msg) {
  switch (msg.op) {
    case 'run': {
      if (msg.begin) {
        if (db.inTransaction) throw new Error('sqlite writer: transaction already open');
        begin.run();
      } else if (!db.inTransaction) {
        // The transaction ended (rolled back by an error); running the statement
        // now would autocommit it outside the caller's transaction.
        throw new Error('sqlite writer: no transaction open');
      }
      const stmt = prepare(msg.sql);
      if (stmt.reader) return stmt.all(...msg.params);
      stmt.run(...msg.params);
      return [];
    }
    case 'append': {
      if (db.inTransaction) throw new Error('sqlite writer: transaction already open');
      const { items, now } = JSON.parse(msg.batch);
      begin.run();
      const results = appendBatch(items, now);
      // As for 'commit': the reply leaves only after the WAL flush.
      commit.run();
      return JSON.stringify(results);
    }
    case 'replace': {
      // Held pieces decided (modules/chat/held.ts): stored texts rewritten, all in one transaction.
      if (db.inTransaction) throw new Error('sqlite writer: transaction already open');
      appendStatementsOnce();
      replaceStatement ??= db.prepare(
        'update messages set text = ?, masked = ? where org_id = ? and conversation_id = ? and seq = ?',
      );
      begin.run();
      const changed = msg.items.map(
        (r) =>
          replaceStatement.run(r.text, JSON.stringify(r.masked), r.orgId, r.conversationId, r.seq)
            .changes === 1,
      );
      commit.run();
      return changed;
    }
    case 'commit':
      // The reply is sent after this returns, i.e. after the WAL flush: whatever
      // the caller does on receiving it happens after a durable commit.
      commit.run();
      return [];
    case 'rollback':
      rollbackIfOpen();
      return [];
    case 'autocheckpoint':
      db.pragma(`wal_autocheckpoint = ${Number(msg.pages)}`);
      return [];
    default:
      throw new Error(`sqlite writer: unknown op ${String(msg.op)}`);
  }
}

parentPort.on('message', (msg) => {
  if (msg.op === 'close') {
    try {
      rollbackIfOpen();
    } finally {
      db.close();
      // Closing the port lets the thread exit once this handler returns.
      parentPort.close();
    }
    return;
  }
  let reply;
  try {
    reply = { id: msg.id, rows: handle(msg) };
  } catch (error) {
    reply = { id: msg.id, error: describe(error) };
    try {
      rollbackIfOpen();
    } catch {
      // A transaction that cannot be rolled back must not stay open: report the
      // original error, then end the thread (closing the connection rolls back);
      // the main thread fails every later transaction (fail closed).
      parentPort.postMessage(reply);
      try {
        db.close();
      } finally {
        process.exit(1);
      }
    }
  }
  parentPort.postMessage(reply);
});

parentPort.postMessage({ ready: true });
