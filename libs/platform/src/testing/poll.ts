/** Polls until `check` passes (a throw counts as not yet), at most `ms`; returns how long it took. */
export async function within(ms: number, check: () => Promise<boolean>, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
