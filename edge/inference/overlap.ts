/**
 * Run `prepare` (decode: sharp on libuv's pool) of item i+1 while `consume` (inference: onnxruntime's
 * threads) works on item i; results come out in input order. `prepare` gets a slot number that
 * cycles through `slots`, so with 2 slots a buffer is never written while it is being read.
 */
export async function* overlapped<I, P, R>(
  items: AsyncIterable<I> | Iterable<I>,
  slots: number,
  prepare: (item: I, slot: number) => Promise<P>,
  consume: (prepared: P) => Promise<R>,
): AsyncGenerator<R> {
  if (slots < 2) throw new RangeError("overlapped: needs at least 2 slots");
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items as Iterable<I>)[Symbol.asyncIterator]();
  let slot = 0;
  const prepareNext = async (): Promise<{ value: P } | undefined> => {
    const next = await iterator.next();
    if (next.done) return undefined;
    const value = await prepare(next.value, slot);
    slot = (slot + 1) % slots;
    return { value };
  };
  let pending = prepareNext();
  for (;;) {
    const current = await pending;
    if (!current) return;
    pending = prepareNext();
    // A failed prefetch surfaces when awaited next round, not as an unhandled rejection now.
    pending.catch(() => undefined);
    yield await consume(current.value);
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
