import { OpenAiAdapter } from '../openai/openai.adapter';
import { Embedder, EmbedderConfig } from './embedder';
import { LocalHashEmbedder } from './local-hash.embedder';
import { OpenAiEmbedder } from './openai.embedder';

export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.provider) {
    case 'local':
      return new LocalHashEmbedder(config.dimensions);
    case 'openai':
      if (!config.openai) throw new Error('openai embedder needs OPENAI_API_KEY');
      return new OpenAiEmbedder(new OpenAiAdapter(config.openai), config.model, config.dimensions, config.batchSize);
  }
}
