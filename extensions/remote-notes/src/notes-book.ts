import type { NoteWorkspace } from './workspace-reader.js';

export interface Note {
  id: string;
  text: string;
  author: string;
  createdAt: string;
  /** The workspace as the kernel described it when the note was written. */
  workspace: NoteWorkspace;
}

type Listener = (note: Note) => void;

/** Notes kept per workspace, in memory; a workspace never sees another's. */
export class NotesBook {
  private readonly notes = new Map<string, Note[]>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private nextId = 1;

  list(workspace: string): Note[] {
    return [...(this.notes.get(workspace) ?? [])];
  }

  add(workspace: NoteWorkspace, text: string, author: string): Note {
    const note: Note = { id: String(this.nextId++), text, author, createdAt: new Date().toISOString(), workspace };
    this.notes.set(workspace.name, [...this.list(workspace.name), note]);
    for (const listener of this.listeners.get(workspace.name) ?? []) listener(note);
    return note;
  }

  /** Calls `listener` for every note added to `workspace` until the returned function is called. */
  subscribe(workspace: string, listener: Listener): () => void {
    const set = this.listeners.get(workspace) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(workspace, set);
    return () => set.delete(listener);
  }
}
