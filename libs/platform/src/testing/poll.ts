/** Polls until `check` passes (a throw counts as not yet), at most `ms`; returns how long it took. */
export async function within(ms: number, check: () => Promise<boolean>, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The promise's value, the code of its error (a domain error's, else its message), or 'hung' when it takes longer than `ms`. */
export async function outcomeWithin<T>(p: Promise<T>, ms: number): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((r) => (timer = setTimeout(() => r('hung'), ms)));
  try {
    return await Promise.race([
      p.catch((e: { code?: string; message?: string }) => e.code ?? e.message ?? String(e)),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
