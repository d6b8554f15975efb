/**
 * A fact table keyed by names read from user code. A plain object literal
 * answers `TABLE["constructor"]` with `Object` (and `"toString"` etc. with
 * Object.prototype's functions): a method called `self.constructor` became an
 * "unsupported API" whose subject was a function, which no worker could send
 * back. Tables made here have no prototype, so only their own keys answer.
 */
export function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
