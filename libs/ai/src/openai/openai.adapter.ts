import OpenAI from 'openai';

export interface OpenAiConnection {
  apiKey: string;
  baseUrl?: string;
  maxRetries: number;
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>;
}

export interface CompletionChunk {
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
}

/**
 * The only place the `openai` SDK is used. Works with any OpenAI-compatible server (Ollama, vLLM,
 * llama.cpp) through `baseUrl`. The SDK retries 429 and 5xx with exponential backoff (maxRetries).
 */
export class OpenAiAdapter {
  private readonly client: OpenAI;

  constructor(conn: OpenAiConnection) {
    this.client = new OpenAI({
      apiKey: conn.apiKey,
      baseURL: conn.baseUrl,
      maxRetries: conn.maxRetries,
      timeout: conn.timeoutMs,
    });
  }

  async embed(model: string, input: string[], dimensions?: number): Promise<number[][]> {
    const res = await this.client.embeddings.create({ model, input, dimensions, encoding_format: 'float' });
    return [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }

  /** Streams completion text; aborting `signal` cancels the upstream HTTP request. */
  async *streamChat(
    model: string,
    messages: ChatMessage[],
    signal: AbortSignal,
    maxTokens?: number,
  ): AsyncGenerator<CompletionChunk> {
    const stream = await this.client.chat.completions.create(
      {
        model,
        messages: messages as OpenAI.Chat.ChatCompletionMessageParam[],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: maxTokens,
        temperature: 0,
      },
      { signal },
    );
    for await (const chunk of stream) {
      const text = chunk.choices?.[0]?.delta?.content ?? '';
      const usage = chunk.usage
        ? { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens }
        : undefined;
      if (text || usage) yield { text, usage };
    }
  }

  async complete(model: string, messages: ChatMessage[], maxTokens = 300): Promise<string> {
    const res = await this.client.chat.completions.create({
      model,
      messages: messages as OpenAI.Chat.ChatCompletionMessageParam[],
      max_tokens: maxTokens,
      temperature: 0,
    });
    return res.choices[0]?.message?.content ?? '';
  }
}
