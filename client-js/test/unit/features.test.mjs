import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { HttpApi, ServerError, TYPING_EXPIRY_MS } from '../../dist/index.js';
import { token } from './fake-server.mjs';
import { C, closeAll, connected, entry, push, setup } from './harness.mjs';

afterEach(closeAll);

/** Answers the latest `action` request with `sent` at `seq`, and returns the request. */
async function confirm(ctx, socket, action, seq) {
  const request = await ctx.server.request(socket, action);
  socket.push({ type: 'sent', requestId: request.requestId, conversationId: C, clientMsgId: request.clientMsgId, seq, sentAt: seq * 100 });
  return request;
}

test('edit, react, unreact and delete go out as v2 frames; the own events reach listeners and change the message', async () => {
  const ctx = setup();
  const socket = await connected(ctx, [{ conversationId: C, kind: 'direct', lastSeq: 1, messages: [entry(1, { senderId: 'alice' })], hasMore: false }]);

  const editing = ctx.client.edit(C, 1, { text: 'fixed' });
  const edit = await confirm(ctx, socket, 'edit', 2);
  assert.equal(edit.seq, 1);
  assert.deepEqual(edit.body, { text: 'fixed' });
  assert.equal(edit.conversationId, C);
  assert.equal((await editing).seq, 2);

  const reacting = ctx.client.react(C, 1, '👍');
  const reaction = await confirm(ctx, socket, 'react', 3);
  assert.deepEqual([reaction.seq, reaction.emoji, reaction.remove], [1, '👍', undefined]);
  await reacting;
  await ctx.server.until(() => ctx.events.changed.length === 2, 'two changes');
  assert.deepEqual(ctx.client.view(C, 1).reactions, [{ emoji: '👍', count: 1, me: true }]);

  const unreacting = ctx.client.unreact(C, 1, '👍');
  const removal = await confirm(ctx, socket, 'react', 4);
  assert.equal(removal.remove, true);
  await unreacting;

  const deleting = ctx.client.delete(C, 1);
  const deletion = await confirm(ctx, socket, 'delete', 5);
  assert.equal(deletion.body, undefined);
  await deleting;
  await ctx.server.until(() => ctx.seqs().length === 5, 'five entries');
  assert.deepEqual(ctx.events.message.map((m) => m.kind), ['message', 'edit', 'reaction', 'reaction', 'delete']);
  assert.deepEqual(ctx.events.message.slice(1).map((m) => m.targetSeq), [1, 1, 1, 1]);
  assert.deepEqual(ctx.events.changed.map((v) => [v.seq, v.body?.text ?? null, v.reactions.length, v.deleted]),
    [[1, 'fixed', 0, false], [1, 'fixed', 1, false], [1, 'fixed', 0, false], [1, null, 0, true]]);
});

test('events pushed by others change the message in seq order, after a reply that names its target', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  socket.push(push(4, { kind: 'reaction', targetSeq: 3, emoji: '🎉', body: null }));
  socket.push(push(3, { replyTo: 1, body: { text: 'replying' } }));
  socket.push(push(5, { kind: 'edit', targetSeq: 3, body: { text: 'replying, edited' } }));
  await ctx.server.until(() => ctx.events.changed.length === 2, 'two changes');
  assert.deepEqual(ctx.seqs(), [1, 2, 3, 4, 5]);
  const view = ctx.client.view(C, 3);
  assert.equal(view.replyTo, 1);
  assert.equal(view.body.text, 'replying, edited');
  assert.equal(view.editedAt, 5);
  assert.deepEqual(view.reactions, [{ emoji: '🎉', count: 1, me: false }]);
});

test('a reply carries replyTo and mentions go into the body; the own message is delivered with both', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  const sending = ctx.client.sendText({ conversationId: C }, '@bob see above', { replyTo: 2, mentions: ['bob', 'bob'] });
  const send = await confirm(ctx, socket, 'send', 3);
  assert.equal(send.replyTo, 2);
  assert.deepEqual(send.body, { text: '@bob see above', mentions: ['bob'] });
  await sending;
  await ctx.server.until(() => ctx.seqs().length === 3, 'the own message');
  assert.equal(ctx.events.message[2].replyTo, 2);
  assert.equal(ctx.client.view(C, 3).replyTo, 2);
});

test('requests the server would refuse are refused before they are queued', async () => {
  const ctx = setup();
  await assert.rejects(ctx.client.edit(C, 0, { text: 'x' }), RangeError);
  await assert.rejects(ctx.client.edit(C, 1, {}), TypeError);
  await assert.rejects(ctx.client.react(C, 1, ''), RangeError);
  await assert.rejects(ctx.client.react(C, 1, 'two words'), RangeError);
  await assert.rejects(ctx.client.react(C, 1, 'x'.repeat(17)), RangeError);
  await assert.rejects(ctx.client.sendText({ conversationId: C }, 'x', { replyTo: -1 }), RangeError);
  await assert.rejects(ctx.client.sendText({ conversationId: C }, 'x', { mentions: [5] }), TypeError);
  assert.equal(ctx.client.pendingSends().length, 0);
});

test('a refused edit rejects with the server code and is not retried', async () => {
  const ctx = setup();
  const failures = [];
  ctx.client.on('sendFailed', (f) => failures.push(f));
  const socket = await connected(ctx);
  const editing = ctx.client.edit(C, 1, { text: 'not mine' });
  assert.deepEqual(ctx.client.pendingSends().map((p) => [p.action, p.fields]), [['edit', { seq: 1 }]]);
  const edit = await ctx.server.request(socket, 'edit');
  socket.push({ type: 'error', requestId: edit.requestId, code: 'FORBIDDEN', message: 'only the sender may edit' });
  await assert.rejects(editing, (e) => e instanceof ServerError && e.code === 'FORBIDDEN');
  assert.deepEqual(failures.map((f) => [f.action, f.fields, f.error.code]), [['edit', { seq: 1 }, 'FORBIDDEN']]);
  assert.equal(ctx.client.pendingSends().length, 0);
  assert.equal(ctx.client.view(C, 1).body.text, 'm1');
});

test('typing: starts are spaced 3 s apart; others typing is reported once and ends after 5 s of silence', async () => {
  let clock = 1_000_000;
  const ctx = setup({ now: () => clock });
  const socket = await connected(ctx);
  ctx.client.typing(C, 'start');
  ctx.client.typing(C, 'start');
  ctx.client.typing(C, 'stop');
  await ctx.server.until(() => socket.sent.filter((f) => f.action === 'typing').length === 2, 'start and stop');
  assert.deepEqual(socket.sent.filter((f) => f.action === 'typing').map((f) => f.state), ['start', 'stop']);
  // A refusal of a typing signal (its budget) is dropped, not reported as a server error.
  const serverErrors = [];
  ctx.client.on('serverError', (e) => serverErrors.push(e));
  const stop = socket.sent.filter((f) => f.action === 'typing')[1];
  socket.push({ type: 'error', requestId: stop.requestId, code: 'RATE_LIMITED', message: 'typing signals are limited', retryAfterMs: 500 });
  socket.push({ type: 'error', requestId: 'other-1', code: 'BAD_REQUEST', message: 'reported' });
  await ctx.server.until(() => serverErrors.length === 1, 'the other error reported');
  assert.equal(serverErrors[0].requestId, 'other-1');

  // Sending a message ends the typing for the receivers: no stop goes out, the next keystroke starts anew.
  clock += 10_000;
  ctx.client.typing(C, 'start');
  const sending = ctx.client.sendText({ userId: 'bob' }, 'done typing');
  await confirm(ctx, socket, 'send', 3);
  await sending;
  ctx.client.typing(C, 'start');
  await ctx.server.until(() => socket.sent.filter((f) => f.action === 'typing').length === 4, 'two more starts');
  assert.deepEqual(socket.sent.filter((f) => f.action === 'typing').map((f) => f.state), ['start', 'stop', 'start', 'start']);

  socket.push({ type: 'typing', conversationId: C, userId: 'alice', state: 'start' }); // another device of the user
  socket.push({ type: 'typing', conversationId: C, userId: 'bob', state: 'start' });
  socket.push({ type: 'typing', conversationId: C, userId: 'bob', state: 'start' });
  await ctx.server.until(() => ctx.events.typing.length === 1, 'bob typing');
  assert.deepEqual(ctx.client.typingIn(C), ['bob']);
  clock += TYPING_EXPIRY_MS;
  await ctx.server.until(() => ctx.events.typing.length === 2, 'bob stopped by silence');
  assert.deepEqual(ctx.events.typing.map((t) => [t.userId, t.state]), [['bob', 'start'], ['bob', 'stop']]);

  socket.push({ type: 'typing', conversationId: C, userId: 'bob', state: 'start' });
  socket.push(push(4));
  await ctx.server.until(() => ctx.events.typing.length === 4, 'bob stopped by his message');
  assert.deepEqual(ctx.events.typing.slice(2).map((t) => t.state), ['start', 'stop']);
  assert.deepEqual(ctx.client.typingIn(C), []);
});

/** An HTTP server on a real socket that records each request and answers with `answer(request)`. */
async function recordingServer(answer) {
  const seen = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body };
      seen.push(request);
      const { status = 200, json } = answer(request, server.address().port);
      res.statusCode = status;
      if (json === undefined) {
        res.end();
      } else {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(json));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { seen, base, api: new HttpApi({ httpUrl: `${base}/api`, token: () => token('alice') }), close: () => server.close() };
}

test('uploadAttachment declares the file, then PUTs it with the signed headers to the presigned URL', async () => {
  const http = await recordingServer((request, port) => (request.url === '/api/attachments' ? {
    status: 201,
    json: {
      attachmentId: 'att1', uploadUrl: `http://127.0.0.1:${port}/bucket/uploads/att1?X-Amz-Signature=s`,
      uploadHeaders: { 'content-type': 'text/plain', 'content-length': '5' }, expiresAt: 1,
    },
  } : {}));
  try {
    const progress = [];
    const file = new Blob(['hello'], { type: 'text/plain' });
    const ref = await http.api.uploadAttachment(C, file, { fileName: 'hello.txt', onProgress: (sent, total) => progress.push([sent, total]) });
    assert.deepEqual(ref, { attachmentId: 'att1', contentType: 'text/plain', size: 5, fileName: 'hello.txt' });
    const [declare, put] = http.seen;
    assert.deepEqual(JSON.parse(declare.body), { conversationId: C, contentType: 'text/plain', size: 5, fileName: 'hello.txt' });
    assert.equal(declare.headers.authorization, `Bearer ${token('alice')}`);
    assert.equal(put.method, 'PUT');
    assert.equal(put.url, '/bucket/uploads/att1?X-Amz-Signature=s');
    assert.equal(put.headers['content-type'], 'text/plain');
    assert.equal(put.headers['content-length'], '5');
    assert.equal(put.headers.authorization, undefined, 'the presigned URL carries the signature');
    assert.equal(put.body, 'hello');
    assert.deepEqual(progress.at(-1), [5, 5]);
  } finally {
    http.close();
  }
});

test('a refused upload rejects with the status the store answered', async () => {
  const http = await recordingServer((request, port) => (request.url === '/api/attachments'
    ? { status: 201, json: { attachmentId: 'att2', uploadUrl: `http://127.0.0.1:${port}/bucket/uploads/att2`, uploadHeaders: {} } }
    : { status: 403 }));
  try {
    await assert.rejects(http.api.uploadAttachment(C, new Blob(['x'], { type: 'image/png' }), { fileName: 'x.png' }),
      (e) => e.name === 'UploadError' && e.status === 403);
  } finally {
    http.close();
  }
});

test('the safety and admin calls use the routes of docs/protocol.md v2', async () => {
  const http = await recordingServer((request) => {
    if (request.url === '/api/blocks') return { json: { blocked: ['mallory'] } };
    if (request.url.endsWith('/settings')) return { json: { muted: true } };
    if (request.method === 'PATCH') return { json: { conversationId: 'grp:g1', name: 'Renamed', members: ['alice'], admins: ['alice'] } };
    return { status: 204 };
  });
  try {
    await http.api.block('mallory');
    await http.api.unblock('mallory');
    assert.deepEqual(await http.api.blocked(), ['mallory']);
    assert.deepEqual(await http.api.setMuted('grp:g1', true), { muted: true });
    assert.deepEqual((await http.api.renameGroup('grp:g1', 'Renamed')).admins, ['alice']);
    await http.api.addAdmin('grp:g1', 'bob');
    await http.api.removeAdmin('grp:g1', 'bob');
    assert.deepEqual(http.seen.map((r) => `${r.method} ${r.url} ${r.body}`), [
      'PUT /api/blocks/mallory ', 'DELETE /api/blocks/mallory ', 'GET /api/blocks ',
      'PUT /api/conversations/grp%3Ag1/settings {"muted":true}', 'PATCH /api/groups/grp%3Ag1 {"name":"Renamed"}',
      'PUT /api/groups/grp%3Ag1/admins/bob ', 'DELETE /api/groups/grp%3Ag1/admins/bob ',
    ]);
  } finally {
    http.close();
  }
});
