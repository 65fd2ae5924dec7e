/** `make()` the first time it is asked for, the same value after: shared path pieces built only when used. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
