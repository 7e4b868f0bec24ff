import { OpenAiAdapter } from '../openai/openai.adapter';
import { Embedder, EmbedderConfig } from './embedder';
import { LocalHashEmbedder } from './local-hash.embedder';
import { OpenAiEmbedder } from './openai.embedder';

/** The configured embedder; an `openai` one without configured dimensions asks its server once, here. */
export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.provider) {
    case 'local':
      return new LocalHashEmbedder(config.dimensions ?? 512);
    case 'openai':
      if (!config.openai) throw new Error('openai embedder needs OPENAI_API_KEY');
      return OpenAiEmbedder.connect(
        new OpenAiAdapter(config.openai),
        config.model,
        config.dimensions,
        config.batchSize,
      );
  }
}
