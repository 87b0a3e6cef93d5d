/** What `work` returns, and the names it read from `process.env` (wrapped in a counting Proxy, put back afterwards). */
export async function environmentReads<T>(work: () => Promise<T>): Promise<{ result: T; reads: string[] }> {
  const environment = process.env;
  const reads: string[] = [];
  process.env = new Proxy(environment, {
    get: (target, name) => {
      reads.push(String(name));
      return Reflect.get(target, name) as unknown;
    },
  });
  try {
    return { result: await work(), reads };
  } finally {
    process.env = environment;
  }
}
