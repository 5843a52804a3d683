/**
 * Products whose rounding does not depend on onnxruntime's intra-op thread count.
 *
 * MLAS (onnxruntime's CPU GEMM) sums a product's inner dimension K in blocks: each block's products accumulate
 * from zero in registers, then add to the output, block after block. The block length depends on the number of
 * output columns the calling thread computes: fewer columns, longer blocks. A product with more columns than
 * rows is split across threads by columns, so its blocks, and its rounding, changed with the thread count: the
 * solver's step gave different numbers on 1 and 2 threads (three products of the default model, measured: the
 * summary's 256-input layer at 64 rows, and the segment and slot embeddings' gradients, 7 and 11 rows over
 * thousands of K). A product whose K fits in one block of the whole product's own length needs no care: any
 * thread's share of the columns gets a block at least as long.
 *
 * The others are written as explicit blocks of exactly the length MLAS takes on one thread for the whole
 * product, each block one MatMul (whose K then fits one block on any thread count) and the partial sums added
 * in block order — the same arithmetic, in the same order, as one thread did before, now on every thread count.
 */

/** MLAS's packing panel (MLAS_SGEMM_STRIDEN, MLAS_SGEMM_STRIDEK) and its narrowest column stride. */
const STRIDE_N = 128;
const STRIDE_K = 128;
const MIN_STRIDE_N = 16;

/**
 * The K block MLAS uses for an `n`-column, `k`-deep product on one thread (`MlasSgemmOperation`, A not
 * transposed): wide products shorten it while it still covers K, narrow ones lengthen it as the column stride
 * halves.
 */
export function singleThreadKBlock(n: number, k: number): number {
  let strideN = STRIDE_N;
  let strideK = STRIDE_K;
  if (n >= k) {
    while (strideK / 2 >= k) {
      strideN *= 2;
      strideK /= 2;
    }
  } else {
    while (strideN > MIN_STRIDE_N && strideN / 2 >= n) {
      strideK *= 2;
      strideN /= 2;
    }
  }
  return strideK;
}

/**
 * The block length an `m × k · k × n` product must be cut into for thread-independent rounding, or undefined
 * when it needs no cut: MLAS splits rows across threads when there are at least as many rows as columns (each
 * thread then sees every column), and one block covering K stays one block on any column share.
 */
export function threadSafeKBlock(m: number, n: number, k: number): number | undefined {
  if (n <= m) return undefined;
  const block = singleThreadKBlock(n, k);
  return k > block ? block : undefined;
}
