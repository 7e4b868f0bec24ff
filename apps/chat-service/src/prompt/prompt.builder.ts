import { Citation } from '@rag/contracts';
import { ChatMessage } from '@rag/ai';
import { SYSTEM_PROMPT } from './system-prompt';

/** Neutralises the delimiter so a passage cannot close its own quote and pose as instructions. */
function quote(text: string): string {
  return text.replace(/<\/?passage[^>]*>/gi, '');
}

/**
 * System prompt first and alone; history as plain turns; the context passages and the question in
 * the final user turn, each passage numbered with its file and page.
 */
export function buildMessages(
  question: string,
  sources: Citation[],
  history: Array<{ role: 'user' | 'assistant'; content: string }>,
): ChatMessage[] {
  const context = sources
    .map(
      (s) =>
        `<passage n="${s.n}" file="${s.filename.replace(/"/g, '')}" page="${s.pageNumber}" type="${s.dataType}">\n${quote(s.text)}\n</passage>`,
    )
    .join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    ...history.map((h) => ({ role: h.role, content: h.content })),
    {
      role: 'user',
      content: `Context passages:\n${context || '(none)'}\n\nQuestion: ${question}\n\nAnswer from the passages only, citing them as [n].`,
    },
  ];
}
