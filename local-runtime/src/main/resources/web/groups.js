// What the web chat page knows of a group's members and admins, and who may do what there
// (docs/protocol.md, "blocks, mute, group administration"). `synced` and `GET /conversations`
// carry a group's name and whether the user is one of its admins (`admin`); the member list is
// paged over HTTP (`GET /groups/{id}/members`); `members` frames say what changed. The page keeps
// what it learnt in Web Storage so that a reload still knows it.

/** The user's role in a group as far as the page knows: 'admin', 'member' or 'unknown'. */
export function roleIn(c, me) {
  if (c.kind !== 'group' || c.removed) return 'member';
  if (typeof c.amAdmin === 'boolean') return c.amAdmin ? 'admin' : 'member';
  if (!Array.isArray(c.admins)) return 'unknown';
  return c.admins.includes(me) ? 'admin' : 'member';
}

/**
 * Whether the page offers the admin-only controls (add, remove, rename, promote, demote). A page
 * that has not yet learnt the admins (another device created the group, nothing changed since)
 * offers them: the server decides, and its 403 takes them away again.
 */
export function offersAdminControls(c, me) {
  return roleIn(c, me) !== 'member';
}

/** The user is the group's only admin while others remain: leaving needs a successor. */
export function isLastAdmin(c, me) {
  return roleIn(c, me) === 'admin' && Array.isArray(c.admins) && c.admins.length === 1 && Array.isArray(c.members)
    && c.members.length > 1;
}

/** Members, admins and name of the user's groups, kept per user and device in Web Storage. */
export class GroupMemory {
  constructor(key, storage = globalThis.localStorage) {
    this.key = key;
    this.storage = storage;
  }

  /** {conversationId: {name, members, admins, amAdmin}} as last saved; empty when nothing (or nothing readable) was. */
  load() {
    try {
      const saved = JSON.parse(this.storage.getItem(this.key) || '{}');
      return saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : {};
    } catch {
      return {};
    }
  }

  save(c) {
    const all = this.load();
    if (c.removed) delete all[c.id];
    else all[c.id] = { name: c.name, members: c.members, admins: c.admins, amAdmin: c.amAdmin };
    try {
      this.storage.setItem(this.key, JSON.stringify(all));
    } catch {
      // Storage full or disabled: the page still works, it only forgets on reload.
    }
  }

  clear() {
    this.storage.removeItem(this.key);
  }
}
