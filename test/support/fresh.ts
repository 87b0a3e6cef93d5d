type Env = Record<string, string | undefined>;

function setEnv(values: Env): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
}

/** Runs `run` with the variables of `env` set (undefined: unset), and puts them back after, also after an async `run` settles. */
export function withEnv<T>(env: Env, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnv(env);
  let result: T;
  try {
    result = run();
  } catch (error) {
    setEnv(saved);
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => setEnv(saved)) as T;
  setEnv(saved);
  return result;
}

/**
 * What `load` requires, loaded in a module registry of its own, as a cold start loads it: what a
 * module builds when it loads (schemas, clients, route stacks) is built again, inside the test
 * that calls this, with `env` set. (isolateModules is synchronous: `load` uses require().)
 */
export function fresh<T>(load: () => T, env: Env = {}): T {
  return withEnv(env, () => {
    let loaded!: T;
    jest.isolateModules(() => (loaded = load()));
    return loaded;
  });
}
