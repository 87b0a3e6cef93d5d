let coldStart = true;

/** True for the first invocation a container serves, false for every later one. */
export function takeColdStart(): boolean {
  const wasCold = coldStart;
  coldStart = false;
  return wasCold;
}
