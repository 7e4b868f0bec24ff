import { OpenAiAdapter } from '@rag/ai';

/** Summarises an image with a vision-capable OpenAI-compatible model, for image_summary chunks. */
export class ImageDescriber {
  constructor(
    private readonly api: OpenAiAdapter,
    private readonly model: string,
  ) {}

  async describe(base64: string, mime: string, caption: string): Promise<string | null> {
    const text = await this.api.complete(
      this.model,
      [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: `Describe this figure from a document for search: what it shows, labels, values and findings.${caption ? ` Caption or nearby text: ${caption}` : ''}`,
            },
            { type: 'image_url', image_url: { url: `data:${mime};base64,${base64}` } },
          ],
        },
      ],
      400,
    );
    return text.trim() || null;
  }
}
