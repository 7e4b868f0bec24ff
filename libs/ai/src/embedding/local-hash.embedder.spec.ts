import { decodeVector, encodeVector } from '@rag/contracts';
import { LocalHashEmbedder } from './local-hash.embedder';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('LocalHashEmbedder', () => {
  const e = new LocalHashEmbedder(512);

  it('returns L2-normalised vectors of the configured dimension', async () => {
    const [v] = await e.embed(['Metformin lowers blood glucose in type 2 diabetes']);
    expect(v).toHaveLength(512);
    expect(cos(v, v)).toBeCloseTo(1, 5);
  });

  it('puts texts sharing words (and word forms) closer than unrelated ones', async () => {
    const [q, rel, unrel] = await e.embed([
      'insulin resistance in diabetic patients',
      'Diabetes patients showed insulin resistant profiles',
      'Helicopter transport and airway management',
    ]);
    expect(cos(q, rel)).toBeGreaterThan(cos(q, unrel) + 0.1);
  });

  it('survives the bus codec exactly', async () => {
    const [v] = await e.embed(['round trip']);
    expect(decodeVector(encodeVector(v))).toEqual(v);
  });
});
