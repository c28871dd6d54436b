/** 131072 → "131,072" (without toLocaleString, whose first call loads ICU: ~50 ms). */
export function fmtInt(n: number): string {
  const sign = n < 0 ? '-' : ''
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
