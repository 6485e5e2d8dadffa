import { chargeBucket, msUntilFull, type BucketCharge, type BucketState, type Budget } from './token-bucket';

/** Where buckets live: this process, or Redis so that every gateway replica draws on one budget. */
export interface BucketStore {
  charge(subject: string, cost: number, budget: Budget): Promise<BucketCharge>;
  close(): Promise<void>;
}

/** How often full buckets are dropped; a full bucket is the same as one never seen. */
const SWEEP_INTERVAL_MS = 10_000;

/** Buckets in this process: one gateway's own budget per caller. */
export function createMemoryBucketStore(now: () => number = Date.now): BucketStore {
  const buckets = new Map<string, { state: BucketState; fullAtMs: number }>();
  let nextSweepMs = now() + SWEEP_INTERVAL_MS;
  const sweep = (nowMs: number) => {
    for (const [subject, bucket] of buckets) if (bucket.fullAtMs <= nowMs) buckets.delete(subject);
    nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
  };
  return {
    async charge(subject, cost, budget) {
      const nowMs = now();
      if (nowMs >= nextSweepMs) sweep(nowMs);
      const charge = chargeBucket(buckets.get(subject)?.state, cost, budget, nowMs);
      buckets.set(subject, { state: charge.state, fullAtMs: nowMs + msUntilFull(charge.state, budget) });
      return charge;
    },
    async close() {
      buckets.clear();
    },
  };
}
