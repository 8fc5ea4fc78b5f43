// How the web chat page reads and shows one message: its text and files, a one-line summary,
// mentions, membership notes, and the timeline element with its actions. No page state here:
// app.js passes in what an element needs. User text only reaches the page through textContent.
import { kindOf } from './attachments.js';
import { el, formatSize, formatTime } from './dom.js';

const MENTION = /@([A-Za-z0-9_.+-]+(?:@[A-Za-z0-9_.+-]+)?)/g;
export const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉'];

export function textOf(m) {
  return m && m.body && typeof m.body.text === 'string' ? m.body.text : null;
}

export function attachmentsOf(m) {
  const list = m && m.body && Array.isArray(m.body.attachments) ? m.body.attachments : [];
  return list.filter((a) => a && typeof a.attachmentId === 'string');
}

/** A one-line summary of a message: its text, or what it holds. */
export function summary(m) {
  if (m.deleted) return 'Message deleted';
  const text = textOf(m);
  if (text !== null && text.trim() !== '') return text;
  const files = attachmentsOf(m);
  if (files.length > 0) return files.length === 1 ? kindOf(files[0].contentType || '') : `${files.length} files`;
  return '(no text)';
}

/** The user ids among `candidates` that the text mentions as @id (never the writer). */
export function mentionsIn(text, candidates, me) {
  const found = new Set();
  for (const match of text.matchAll(MENTION)) if (candidates.includes(match[1]) && match[1] !== me) found.add(match[1]);
  return [...found];
}

/**
 * The timeline's line for a group's change (a `member` entry of the timeline, or a `members`
 * frame): who created the group, joined, left, was removed, made admin or no longer admin, and a
 * rename; null when it names none. A change lists at most 50 users: the rest are counted.
 */
export function memberNote(change, me) {
  const who = (id) => (id === me ? 'you' : id);
  const by = change.by ? (change.by === me ? 'You' : change.by) : 'Someone';
  const list = (ids, count) => {
    const named = (ids || []).map(who).join(', ');
    const more = (count || 0) - (ids || []).length;
    return more > 0 ? `${named} and ${more} ${more === 1 ? 'other' : 'others'}` : named;
  };
  const added = change.added || [];
  const removed = change.removed || [];
  const parts = [];
  if (change.created || added.includes(change.by)) {
    parts.push(`${by} created the group${change.name ? ` "${change.name}"` : ''}`); // the creator is among those added
  } else if (added.length > 0) {
    parts.push(`${by} added ${list(added, change.addedCount)}`);
  }
  if (change.renamed) parts.push(`${by} renamed the group to "${change.name}"`);
  const promoted = change.promoted || [];
  if (promoted.length > 0) parts.push(`${by} made ${list(promoted)} ${promoted.length === 1 ? 'an admin' : 'admins'}`);
  const demoted = change.demoted || [];
  if (demoted.length === 1 && demoted[0] === change.by) parts.push(`${by} ${change.by === me ? 'are' : 'is'} no longer an admin`);
  else if (demoted.length > 0) parts.push(`${by} removed admin rights from ${list(demoted)}`);
  if (removed.length === 1 && removed[0] === change.by) parts.push(`${by} left`);
  else if (removed.length > 0) parts.push(`${by} removed ${list(removed, change.removedCount)}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

const STATUS_TEXT = {
  pending: 'Waiting for connection', sending: 'Sending…', sent: 'Sent', seen: 'Seen', failed: 'Not sent',
};

/**
 * A message of the timeline: sender, reply quote, text (mentions marked), files, reactions, time
 * and status, and its actions. `m` is a timeline item with its derived fields (app.js timelineItems);
 * `context` is `{ me, removed, onImageLoad }`.
 */
export function messageElement(m, context) {
  const text = m.deleted ? null : textOf(m);
  const unsettled = m.status === 'pending' || m.status === 'sending' || m.status === 'failed';
  const showMeta = m.lastOfGroup || unsettled || m.editedAt > 0;
  // A group message the other members read shows how many did ("Read by N"), like "Seen" in a direct conversation.
  const statusText = m.status && (m.lastOfGroup || unsettled)
    ? (m.status === 'sent' && m.readBy > 0 ? `Read by ${m.readBy}` : STATUS_TEXT[m.status]) + (m.error ? `: ${m.error}` : '')
    : null;
  const classes = ['msg', m.mine ? 'mine' : '', m.firstOfGroup ? 'first' : '', m.selected ? 'selected' : '',
    m.mentionsMe ? 'mentions-me' : '', m.deleted ? 'deleted' : ''].filter(Boolean).join(' ');
  return el('li', {
    className: classes, 'data-testid': 'message', 'data-seq': m.seq, 'data-key': m.key, tabindex: '-1',
    'data-client-msg-id': m.clientMsgId, 'data-sender': m.sender, 'data-status': m.status,
    'data-edited': m.editedAt > 0 ? 'true' : undefined, 'data-deleted': m.deleted ? 'true' : undefined,
    'data-reply-to': m.replyTo || undefined,
  },
  m.showSender ? el('span', { className: 'sender', text: m.mine ? 'You' : m.sender })
    : el('span', { className: 'visually-hidden', text: m.mine ? 'You: ' : `${m.sender}: ` }),
  m.quote ? el('button', {
    type: 'button', className: 'quote', 'data-testid': 'reply-quote', 'data-action': 'jump', 'data-target': m.quote.seq,
    title: 'Show the message this replies to',
  }, el('span', { className: 'visually-hidden', text: 'In reply to ' }),
  el('span', { className: 'quote-sender', text: m.quote.sender || '' }), el('span', { className: 'quote-text', text: m.quote.text })) : null,
  m.deleted ? el('p', { className: 'text empty', 'data-testid': 'message-text', text: 'Message deleted' })
    : text !== null ? el('p', { className: 'text', 'data-testid': 'message-text' }, textWithMentions(text, m.body.mentions, context.me))
      : m.files.length === 0 ? el('p', { className: 'text empty', 'data-testid': 'message-text', text: '(message without text)' })
        : el('p', { className: 'visually-hidden', 'data-testid': 'message-text', text: '' }),
  m.deleted || m.files.length === 0 ? null : el('div', { className: 'files' }, m.files.map((file) => fileElement(file, context.onImageLoad))),
  m.reactions.length > 0 ? el('div', { className: 'reactions', role: 'group', 'aria-label': 'Reactions' },
    m.reactions.map((r) => el('button', {
      type: 'button', className: 'reaction', 'data-testid': 'reaction', 'data-action': 'toggle', 'data-emoji': r.emoji,
      'data-count': r.count, 'aria-pressed': r.me ? 'true' : 'false',
      'aria-label': `${r.emoji} ${r.count}${r.me ? ', including you' : ''}`, text: `${r.emoji} ${r.count}`,
    }))) : null,
  showMeta ? el('span', { className: 'meta' },
    m.editedAt > 0 && !m.deleted ? el('span', { className: 'edited', 'data-testid': 'edited', text: 'edited · ' }) : null,
    el('time', { dateTime: new Date(m.time).toISOString(), text: formatTime(m.time) }),
    statusText ? document.createTextNode(' · ') : null,
    statusText ? el('span', { className: 'status', 'data-testid': 'message-status', text: statusText }) : null) : null,
  m.seq === null || m.deleted || context.removed ? null : actionsElement(m));
}

function actionsElement(m) {
  return el('div', { className: 'actions', role: 'toolbar', 'aria-label': 'Message actions' },
    el('button', { type: 'button', className: 'quiet', 'data-action': 'reply', 'data-testid': 'action-reply', text: 'Reply' }),
    el('button', {
      type: 'button', className: 'quiet', 'data-action': 'react', 'data-testid': 'action-react', text: 'React',
      'aria-expanded': m.reacting ? 'true' : 'false',
    }),
    m.canEdit ? el('button', { type: 'button', className: 'quiet', 'data-action': 'edit', 'data-testid': 'action-edit', text: 'Edit' }) : null,
    m.canDelete ? el('button', { type: 'button', className: 'quiet', 'data-action': 'delete', 'data-testid': 'action-delete', text: 'Delete' }) : null,
    m.reacting ? el('div', { className: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
      EMOJI.map((emoji) => el('button', {
        type: 'button', className: 'quiet', 'data-action': 'pick', 'data-emoji': emoji, 'data-testid': 'pick-emoji',
        'aria-label': `React with ${emoji}`, text: emoji,
      }))) : null);
}

/** Text with the mentioned users' @names marked. */
function textWithMentions(text, mentions, me) {
  if (!Array.isArray(mentions) || mentions.length === 0) return text;
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    if (!mentions.includes(match[1])) continue;
    parts.push(text.slice(last, match.index));
    parts.push(el('span', { className: match[1] === me ? 'mention me' : 'mention', text: match[0] }));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function fileElement(file, onImageLoad) {
  const type = file.contentType || (file.link && file.link.contentType) || '';
  const name = file.fileName || (file.link && file.link.fileName) || 'file';
  const link = file.link;
  if (type.startsWith('image/')) {
    if (link && link.status === 'ready') {
      const img = el('img', {
        src: link.thumbnailUrl || link.downloadUrl, alt: name, 'data-testid': 'attachment-image',
        'data-thumbnail': link.thumbnailUrl ? 'true' : 'false', 'data-attachment-id': file.attachmentId,
      });
      img.addEventListener('load', onImageLoad);
      return el('a', { href: link.downloadUrl, target: '_blank', rel: 'noopener', className: 'file-image', title: name }, img);
    }
    return el('span', {
      className: 'file-placeholder', 'data-testid': 'attachment-loading',
      text: link && link.status === 'failed' ? `Photo ${name} (unavailable)` : `Photo ${name}…`,
    });
  }
  const label = `${kindOf(type)}: ${name} (${formatSize(file.size || (link && link.size) || 0)})`;
  if (link && link.status === 'ready') {
    return el('a', { href: link.downloadUrl, download: name, className: 'file-link', 'data-testid': 'attachment-file', text: label });
  }
  return el('span', { className: 'file-link', 'data-testid': 'attachment-file', text: label });
}
