import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequencer, advanced } from '../../dist/index.js';

const C = 'dm:alice:bob';
const D = 'grp:team';
const NOW = 1000;

function m(conversationId, seq) {
  return { conversationId, seq, kind: 'message', senderId: 'alice', clientMsgId: `c${seq}`, body: { text: `m${seq}` }, sentAt: seq };
}
const ms = (conversationId, ...seqs) => seqs.map((seq) => m(conversationId, seq));

/** A sequencer resumed from saved cursors, and what the application received from it. */
function resumed(cursors) {
  const sequencer = new Sequencer(cursors, { gapWaitMs: 1000, maxGapWaitMs: 8000, maxBuffered: 50 });
  const app = [];
  const take = (progress) => {
    app.push(...progress.delivered);
    return progress;
  };
  const seqsOf = (id) => app.filter((x) => x.conversationId === id).map((x) => x.seq);
  return { sequencer, app, take, seqsOf };
}

test('out-of-order pushes are held back until the missing seq arrives', () => {
  const { sequencer, app, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 3), NOW));
  take(sequencer.offer(m(C, 2), NOW));
  assert.deepEqual(app, []);
  const progress = take(sequencer.offer(m(C, 1), NOW));
  assert.deepEqual(seqsOf(C), [1, 2, 3]);
  assert.equal(progress.from, 0);
  assert.equal(progress.cursor, 3);
});

test('duplicates reach the application once', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 2), NOW));
  take(sequencer.offer(m(C, 2), NOW)); // duplicate while buffered
  take(sequencer.offer(m(C, 1), NOW));
  take(sequencer.offer(m(C, 1), NOW)); // duplicate after delivery
  take(sequencer.page(C, 0, ms(C, 1, 2), 0, NOW)); // and again through a sync page
  assert.deepEqual(seqsOf(C), [1, 2]);
});

test('gap frames are consumed in order, and a gap alone moves the cursor', () => {
  const { sequencer, app, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 3), NOW));
  take(sequencer.gap(C, 2, NOW));
  assert.deepEqual(app, []);
  take(sequencer.offer(m(C, 1), NOW));
  assert.deepEqual(seqsOf(C), [1, 3]);
  const trailing = take(sequencer.gap(C, 4, NOW));
  assert.ok(advanced(trailing));
  assert.deepEqual(trailing.delivered, []);
  assert.equal(sequencer.cursor(C), 4);
});

test('seqs a sync page leaves out are declared gaps', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 2 });
  take(sequencer.page(C, 2, ms(C, 4, 6), 0, NOW)); // 3 and 5 absent between cursor and last entry
  assert.deepEqual(seqsOf(C), [4, 6]);
  assert.equal(sequencer.cursor(C), 6);
  assert.equal(sequencer.dueForSync(NOW + 60_000).size, 0);
});

test('a forward page without more covers up to lastSeq, so trailing gaps are consumed', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 2 });
  take(sequencer.offer(m(C, 6), NOW)); // pushed; the page then proves 5 and 7 hold nothing
  take(sequencer.page(C, 2, ms(C, 3, 4), 7, NOW));
  assert.deepEqual(seqsOf(C), [3, 4, 6]);
  assert.equal(sequencer.cursor(C), 7);
  assert.equal(sequencer.buffered(C), 0);
});

test('a page consumes buffered pushes and stops at its last entry', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 5), NOW));
  take(sequencer.offer(m(C, 9), NOW));
  take(sequencer.page(C, 0, ms(C, 1, 2, 5, 6), 0, NOW)); // ends at 6: 7 and 8 are not declared
  assert.deepEqual(seqsOf(C), [1, 2, 5, 6]);
  assert.equal(sequencer.buffered(C), 1);
  take(sequencer.offer(m(C, 7), NOW));
  take(sequencer.gap(C, 8, NOW));
  assert.deepEqual(seqsOf(C), [1, 2, 5, 6, 7, 9]);
});

test('a push the page calls a gap is still delivered rather than lost', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 2), NOW));
  take(sequencer.page(C, 0, ms(C, 1, 3), 0, NOW));
  assert.deepEqual(seqsOf(C), [1, 2, 3]);
});

test('a page asked from an older cursor only adds what is new', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 0 });
  take(sequencer.offer(m(C, 1), NOW));
  take(sequencer.offer(m(C, 2), NOW));
  take(sequencer.page(C, 0, ms(C, 1, 2, 3), 0, NOW));
  assert.deepEqual(seqsOf(C), [1, 2, 3]);
});

test('a new device starts each conversation at its newest page', () => {
  const { sequencer, app, take, seqsOf } = resumed({});
  assert.equal(sequencer.initialized, false);
  take(sequencer.offer(m(C, 42), NOW)); // pushed before the first sync answered: held
  assert.deepEqual(app, []);
  take(sequencer.page(C, null, ms(C, 38, 39, 41), 0, NOW)); // 40 is a gap inside the page
  assert.deepEqual(seqsOf(C), [38, 39, 41, 42]);
  assert.equal(sequencer.cursor(C), 42);
});

test('a conversation only pushed during the first sync starts at seq 1', () => {
  const { sequencer, take, seqsOf } = resumed({});
  take(sequencer.offer(m(D, 2), NOW));
  take(sequencer.offer(m(D, 1), NOW));
  take(sequencer.page(C, null, ms(C, 1), 0, NOW));
  sequencer.initialSyncDone(NOW).forEach(take);
  assert.deepEqual(seqsOf(D), [1, 2]);
  assert.equal(sequencer.initialized, true);
  take(sequencer.offer(m('grp:new', 2), NOW));
  assert.deepEqual(seqsOf('grp:new'), []);
  assert.equal(sequencer.cursor('grp:new'), 0);
});

test('a conversation without entries on the newest page starts at zero, and that is progress to save', () => {
  const { sequencer, take } = resumed({});
  const progress = take(sequencer.page(C, null, [], 0, NOW));
  assert.ok(advanced(progress));
  assert.equal(progress.cursor, 0);
  assert.deepEqual(sequencer.syncCursors(), { [C]: 0 });
});

test('a missing seq asks for a sync after the gap wait, then waits longer each time', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 0, [D]: 0 });
  take(sequencer.offer(m(C, 2), NOW));
  assert.deepEqual([...sequencer.dueForSync(NOW + 999)], []);
  assert.deepEqual([...sequencer.dueForSync(NOW + 1000)], [C]);
  sequencer.syncStarted([C], NOW + 1000);
  assert.deepEqual([...sequencer.dueForSync(NOW + 2999)], []);
  assert.deepEqual([...sequencer.dueForSync(NOW + 3000)], [C]);
  sequencer.syncStarted([C], NOW + 3000);
  assert.deepEqual([...sequencer.dueForSync(NOW + 6999)], []);
  assert.deepEqual([...sequencer.dueForSync(NOW + 7000)], [C]);
  take(sequencer.gap(C, 1, NOW + 7500));
  assert.deepEqual(seqsOf(C), [2]);
  assert.deepEqual([...sequencer.dueForSync(NOW + 100_000)], []);
});

test('a buffer grown past its limit asks for a sync at once', () => {
  const { sequencer, take } = resumed({ [C]: 0 });
  for (let seq = 2; seq <= 52; seq++) take(sequencer.offer(m(C, seq), NOW));
  assert.deepEqual([...sequencer.dueForSync(NOW)], [C]);
});

test('a stalled conversation is asked again on the gap timer until it moves', () => {
  const { sequencer, take } = resumed({ [C]: 5 });
  sequencer.stalled(C, NOW);
  assert.deepEqual([...sequencer.dueForSync(NOW + 1000)], [C]);
  sequencer.syncStarted([C], NOW + 1000);
  take(sequencer.page(C, 5, ms(C, 6), 0, NOW + 1100));
  assert.deepEqual([...sequencer.dueForSync(NOW + 60_000)], []);
});

test('an excluded conversation leaves the cursors but keeps its place', () => {
  const { sequencer, take, seqsOf } = resumed({ [C]: 7, [D]: 3 });
  sequencer.exclude(D);
  assert.deepEqual(sequencer.syncCursors(), { [C]: 7 });
  take(sequencer.page(D, 0, ms(D, 1, 2, 3, 4), 0, NOW));
  assert.deepEqual(seqsOf(D), [4]);
  assert.equal(sequencer.syncCursors()[D], 4);
});

test('random order and duplicates of any mix still give each seq once, in order', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const { sequencer, take, seqsOf } = resumed({ [C]: 0 });
  const inputs = [];
  for (let seq = 1; seq <= 300; seq++) {
    const gap = seq % 17 === 0;
    const copies = 1 + Math.floor(random() * 3);
    for (let i = 0; i < copies; i++) {
      inputs.push(gap ? () => take(sequencer.gap(C, seq, NOW)) : () => take(sequencer.offer(m(C, seq), NOW)));
    }
  }
  for (let i = inputs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [inputs[i], inputs[j]] = [inputs[j], inputs[i]];
  }
  inputs.forEach((input) => input());
  const expected = [];
  for (let seq = 1; seq <= 300; seq++) if (seq % 17 !== 0) expected.push(seq);
  assert.deepEqual(seqsOf(C), expected);
  assert.equal(sequencer.cursor(C), 300);
});

test('saved cursors that are not whole numbers are ignored (a corrupted store)', () => {
  const sequencer = new Sequencer({ [C]: 4, [D]: 'x', other: -1 });
  assert.deepEqual(sequencer.syncCursors(), { [C]: 4 });
});
