import type { ReactNode } from 'react';

/** A modal dialog over a backdrop: a click outside it or Escape closes it. */
export function Dialog(props: { labelledBy: string; wide?: boolean; onClose: () => void; children: ReactNode }) {
  const { labelledBy, wide, onClose, children } = props;
  return (
    <div className="backdrop" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        className={wide ? 'dialog wide' : 'dialog'}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        {children}
      </div>
    </div>
  );
}
