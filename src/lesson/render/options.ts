/** How Markdown is turned into terminal text. */
export interface RenderOptions {
  /** Columns to wrap prose at. Code blocks and words longer than this keep their length. */
  width: number
  /** ANSI colour and emphasis; off gives plain, deterministic text. The caller decides (NO_COLOR, TTY, flags). */
  colour: boolean
  /** Only ASCII glyphs for bullets, rules, quote bars and table borders (for `--plain`). Default false. */
  ascii?: boolean
}

export const DEFAULT_WIDTH = 80
/** Longer lines are hard to read, whatever the terminal's width. */
export const MAX_WIDTH = 100
/** Narrower than this, lists and quotes would have no room left for text. */
export const MIN_WIDTH = 20

/** The width to render at for a terminal of `columns` (undefined when not a terminal): 80 by default, at most 100. */
export function readableWidth(columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return DEFAULT_WIDTH
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(columns)))
}
