/** The candidate closest to a mistyped word, when it is close enough to be the intended one. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const tolerance = Math.max(2, Math.floor(input.length / 4))
  return bestDistance <= tolerance ? best : undefined
}

/** " (did you mean x?)" or "" — appended to error messages. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates)
  return match === undefined ? '' : ` (did you mean "${match}"?)`
}

/** Levenshtein distance with adjacent transpositions, so "prot" is one edit from "port". */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const table: number[][] = Array.from({length: rows}, (_, row) =>
    Array.from({length: cols}, (_, col) => (row === 0 ? col : col === 0 ? row : 0)),
  )
  const at = (row: number, col: number): number => table[row]?.[col] ?? 0
  for (let row = 1; row < rows; row++) {
    for (let col = 1; col < cols; col++) {
      const cost = a[row - 1] === b[col - 1] ? 0 : 1
      let value = Math.min(at(row - 1, col) + 1, at(row, col - 1) + 1, at(row - 1, col - 1) + cost)
      if (row > 1 && col > 1 && a[row - 1] === b[col - 2] && a[row - 2] === b[col - 1]) {
        value = Math.min(value, at(row - 2, col - 2) + 1)
      }
      const tableRow = table[row]
      if (tableRow) tableRow[col] = value
    }
  }
  return at(a.length, b.length)
}
