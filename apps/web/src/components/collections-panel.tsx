import { useState } from 'react';
import type { CollectionInfo } from '../api/api-client';

const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

/** Collections with counts; create by name (it exists on the server once a file is uploaded); delete with confirmation. */
export function CollectionsPanel(props: {
  collections: CollectionInfo[];
  selected: string | null;
  onSelect: (id: string) => void;
  onCreate: (id: string) => void;
  /** Absent when the key may not delete: no delete buttons. */
  onDelete?: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const invalid = name.length > 0 && !VALID.test(name);
  return (
    <nav id="collections-panel" aria-labelledby="collections-title" className="collections">
      <h2 id="collections-title">Collections</h2>
      <ul>
        {props.collections.map((c) => (
          <li key={c.collectionId} className={c.collectionId === props.selected ? 'selected' : ''}>
            <button
              type="button"
              className="link"
              aria-current={c.collectionId === props.selected ? 'true' : undefined}
              onClick={() => props.onSelect(c.collectionId)}
            >
              {c.collectionId}
            </button>
            <span className="muted">
              {' '}
              {c.documents} {c.documents === 1 ? 'doc' : 'docs'} · {c.chunks} chunks
            </span>
            {props.onDelete && (
              <button
                type="button"
                className="danger"
                aria-label={`Delete collection ${c.collectionId}`}
                onClick={() => {
                  if (window.confirm(`Delete collection "${c.collectionId}" and all its documents?`))
                    props.onDelete?.(c.collectionId);
                }}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!VALID.test(name)) return;
          props.onCreate(name);
          setName('');
        }}
      >
        <label htmlFor="new-collection">New collection</label>
        <input
          id="new-collection"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="new-collection-help"
        />
        <small id="new-collection-help" className={invalid ? 'error' : 'muted'}>
          Letters, digits, - and _ (up to 64).
        </small>
        <button type="submit" disabled={!VALID.test(name)}>
          Create
        </button>
      </form>
    </nav>
  );
}
