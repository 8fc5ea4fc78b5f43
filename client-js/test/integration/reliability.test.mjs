/**
 * The client's guarantees under faults, over real sockets against a real `parley local`:
 * connections cut at random while both users send, and the runtime killed and restarted on its
 * --data folder while a send is pending.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, ParleyClient } from '../../dist/index.js';
import { startRuntime, until, user } from './support/runtime.mjs';
import { Proxy } from './support/proxy.mjs';

function client(runtime, userId, websocketUrl, extra = {}) {
  const c = new ParleyClient({
    websocketUrl, httpUrl: runtime.httpUrl, token: () => runtime.token(userId, extra.deviceId),
    backoff: { baseMs: 20, capMs: 300, stableAfterMs: 1000 }, gapWaitMs: 200, maxGapWaitMs: 1000,
    requestTimeoutMs: 2000, heartbeatIntervalMs: 1000, ...extra,
  });
  const timeline = [];
  const states = [];
  c.on('message', (m) => timeline.push(m));
  c.on('state', (s) => states.push(s));
  return { client: c, timeline, states };
}

/** Per conversation: strictly ascending seqs (in order, no duplicates). */
function assertInOrderOnce(timeline, who) {
  const last = new Map();
  for (const m of timeline) {
    const before = last.get(m.conversationId) ?? 0;
    assert.ok(m.seq > before, `${who}: seq ${m.seq} of ${m.conversationId} after ${before}`);
    last.set(m.conversationId, m.seq);
  }
}

test('exactly once and in seq order while connections are cut at random under both senders', async () => {
  const runtime = await startRuntime();
  const proxy = await Proxy.start(runtime.port);
  const a = user('alice');
  const b = user('bob');
  const alice = client(runtime, a, proxy.websocketUrl);
  const bob = client(runtime, b, proxy.websocketUrl);
  const bobPhone = client(runtime, b, proxy.websocketUrl, { deviceId: 'phone' });
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let cutting = true;
  let cuts = 0;
  try {
    await Promise.all([alice.client.connect(), bob.client.connect(), bobPhone.client.connect()]);
    // The fault: every 100-300 ms one live connection through the proxy is cut. This pause is the
    // fault's schedule, not a wait for anything.
    const cutter = (async () => {
      while (cutting) {
        await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 200)));
        if (cutting && proxy.dropOne(random)) cuts++;
      }
    })();
    const PER_SENDER = 40;
    const sends = [];
    for (let i = 1; i <= PER_SENDER; i++) {
      sends.push(alice.client.sendText({ userId: b }, `a${i}`));
      sends.push(bob.client.sendText({ userId: a }, `b${i}`));
      if (i % 10 === 0) {
        // Each burst of sends meets a fresh cut: wait for the proxy to drop another connection.
        const before = cuts;
        await until(() => cuts > before, 'the proxy to cut another connection');
      }
    }
    const sent = await Promise.all(sends);
    cutting = false;
    await cutter;
    const conversation = sent[0].conversationId;
    const lastSeq = Math.max(...sent.map((s) => s.seq));
    const expected = new Set(sent.map((s) => s.seq));
    const seqs = (who) => who.timeline.filter((m) => m.conversationId === conversation).map((m) => m.seq);
    for (const [name, who] of [['alice', alice], ['bob', bob], ["bob's phone", bobPhone]]) {
      await until(() => seqs(who).length === expected.size, `${name} to hold all ${expected.size} messages`, 60_000);
      assertInOrderOnce(who.timeline, name);
      assert.deepEqual(new Set(seqs(who)), expected, `${name} holds exactly the stored messages`);
      assert.ok(Math.max(...seqs(who)) === lastSeq);
    }
    // Each sender's messages in the order they were sent (one destination: one at a time).
    const texts = bob.timeline.map((m) => m.body.text);
    assert.deepEqual(texts.filter((t) => t.startsWith('a')), Array.from({ length: PER_SENDER }, (_, i) => `a${i + 1}`));
    assert.deepEqual(texts.filter((t) => t.startsWith('b')), Array.from({ length: PER_SENDER }, (_, i) => `b${i + 1}`));
    // What the server stored: each clientMsgId once, the same seqs the clients hold.
    const stored = [];
    for (let before; ;) {
      const page = await alice.client.api.messages(conversation, { limit: 200, ...(before ? { beforeSeq: before } : {}) });
      stored.unshift(...page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      before = page.messages[0].seq;
    }
    assert.equal(stored.length, 2 * PER_SENDER);
    assert.equal(new Set(stored.map((m) => m.clientMsgId)).size, 2 * PER_SENDER);
    assert.deepEqual(new Set(stored.map((m) => m.seq)), expected);
    assert.ok(cuts >= 3, `the test cut ${cuts} connections; it needs a few to mean something`);
    console.log(`# ${cuts} connections cut; ${2 * PER_SENDER} messages, last seq ${lastSeq}`);
  } finally {
    cutting = false;
    for (const who of [alice, bob, bobPhone]) who.client.close();
    await proxy.close();
    await runtime.stop();
  }
});

test('reconnects through a restart of the runtime on --data; a send made while it was down is stored once', async () => {
  const data = mkdtempSync(join(tmpdir(), 'parley-js-data-'));
  let runtime = await startRuntime({ data });
  const port = runtime.port;
  const a = user('alice');
  const b = user('bob');
  // The token callback asks whichever runtime is up: the issuer's key is kept in --data.
  const current = { token: (userId, deviceId) => runtime.token(userId, deviceId), httpUrl: runtime.httpUrl };
  const store = new MemoryStore();
  const alice = client(current, a, runtime.websocketUrl);
  const bob = client(current, b, runtime.websocketUrl, { store });
  try {
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    for (let i = 1; i <= 3; i++) await alice.client.sendText({ userId: b }, `before ${i}`);
    await until(() => bob.timeline.length === 3, 'bob to hold the first three');
    const conversation = bob.timeline[0].conversationId;

    await runtime.kill();
    await until(() => alice.client.state !== 'connected' && bob.client.state !== 'connected', 'both to notice');
    const whileDown = alice.client.sendText({ userId: b }, 'while you were down');
    assert.equal(alice.client.pendingSends().length, 1);

    runtime = await startRuntime({ port, data });
    const stored = await whileDown;
    // Above the first three; retries of a slow first attempt may have drawn seqs that became gaps.
    assert.ok(stored.seq > 3, `seq ${stored.seq}`);
    await alice.client.sendText({ userId: b }, 'after');
    await until(() => bob.timeline.length === 5, 'bob to hold all five', 60_000);
    assert.deepEqual(bob.timeline.map((m) => m.body.text),
      ['before 1', 'before 2', 'before 3', 'while you were down', 'after']);
    assertInOrderOnce(bob.timeline, 'bob');
    assertInOrderOnce(alice.timeline, 'alice');
    const held = await alice.client.api.messages(conversation, { limit: 50 });
    assert.deepEqual(held.messages.map((m) => m.body.text),
      ['before 1', 'before 2', 'before 3', 'while you were down', 'after']);
    assert.ok(store.loadCursors()[conversation] >= bob.timeline[4].seq, 'bob\'s cursor saved past the last message');
    assert.ok(bob.states.filter((s) => s === 'connected').length >= 2, `bob reconnected: ${bob.states}`);
  } finally {
    alice.client.close();
    bob.client.close();
    await runtime.stop();
    rmSync(data, { recursive: true, force: true });
  }
});
