import type { DocumentSummary } from '@rag/contracts';

export function DocumentsPanel(props: {
  documents: DocumentSummary[];
  onDelete?: (d: DocumentSummary) => void;
  onBrowse: (d: DocumentSummary) => void;
}) {
  return (
    <section aria-labelledby="documents-title" className="panel">
      <h2 id="documents-title">Documents</h2>
      {props.documents.length === 0 ? (
        <p className="muted">No documents yet.</p>
      ) : (
        <table className="documents">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Pages</th>
              <th scope="col">Chunks</th>
              <th scope="col">Ingested</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.documents.map((d) => (
              <tr key={d.documentId}>
                <td>{d.filename}</td>
                <td>{d.pages}</td>
                <td>{d.chunks}</td>
                <td>{new Date(d.ingestedAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Show the chunks of ${d.filename}`}
                    onClick={() => props.onBrowse(d)}
                  >
                    Chunks
                  </button>
                  {props.onDelete && (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete document ${d.filename}`}
                        onClick={() => window.confirm(`Delete ${d.filename}?`) && props.onDelete?.(d)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
