/**
 * An object that is built on first use: every operation on the returned proxy goes to the
 * object `build` returns, which is called once. For exports that must be objects from the
 * moment a module loads (the isolated build's zod schemas) but cost a lot to make.
 */
export function lazyObject<T extends object>(build: () => T): T {
  let value: T | undefined;
  const real = (): T => {
    value ??= build();
    return value;
  };
  // The proxy's own target stays an empty, extensible object: a proxy may then report any
  // keys and descriptors, as long as it reports none of them non-configurable.
  return new Proxy(Object.create(null) as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, next) => Reflect.set(real(), key, next),
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
