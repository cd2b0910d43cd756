/**
 * The last N bytes of a terminal's output, addressed by absolute byte offsets since the
 * shell started. A browser that reconnects says how far it got; it is sent exactly the
 * bytes after that, so output is replayed once and never duplicated.
 */
export interface ReplaySlice {
  /** Offset of data[0]. */
  offset: number;
  data: Buffer;
  /** Not a continuation of what the browser has (nothing known, or already dropped): clear first. */
  reset: boolean;
}

const NEWLINE = 0x0a;

export class Scrollback {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Absolute offset of chunks[0][0]. */
  private startOffset = 0;

  /** @param capacity bytes kept; older output is dropped first. */
  constructor(private readonly capacity: number) {}

  get start(): number {
    return this.startOffset;
  }

  get end(): number {
    return this.startOffset + this.size;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.trim();
  }

  /**
   * Everything after `offset`. Without an offset, or when it is older than what is kept,
   * the replay starts at the first line boundary kept, so it does not begin in the middle
   * of an escape sequence. An offset past the end is treated as "nothing known".
   */
  since(offset?: number): ReplaySlice {
    if (offset !== undefined && offset >= this.startOffset && offset <= this.end) {
      return { offset, data: this.bytesFrom(offset), reset: false };
    }
    const all = this.bytesFrom(this.startOffset);
    const cut = this.startOffset > 0 ? all.indexOf(NEWLINE) + 1 : 0;
    return { offset: this.startOffset + cut, data: all.subarray(cut), reset: true };
  }

  /**
   * Only the chunks after `offset` are copied, and one chunk not at all: a keystroke's echo
   * is one small chunk, and copying the whole scrollback (128 KiB once full) for each was
   * most of what an echo allocated (bench/README.md, "Where the echo's milliseconds went").
   */
  private bytesFrom(offset: number): Buffer {
    let skip = this.end - offset;
    let first = this.chunks.length;
    while (skip > 0) skip -= this.chunks[--first]!.length;
    // skip <= 0: the slice starts -skip bytes into chunks[first].
    const head = this.chunks[first];
    if (head === undefined) return Buffer.alloc(0);
    if (first === this.chunks.length - 1) return head.subarray(-skip);
    return Buffer.concat(this.chunks.slice(first), this.end - offset + -skip).subarray(-skip);
  }

  private trim(): void {
    while (this.size > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.startOffset += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.startOffset += excess;
      }
    }
  }
}
