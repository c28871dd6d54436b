/**
 * Bytes from a file or stdin as text: UTF-8 (with or without a BOM) or UTF-16 with its BOM (what Windows
 * PowerShell's `>` writes); UTF-16 without a BOM is recognised by its NUL bytes. Other text is refused for
 * its encoding, with what to do, instead of being misread.
 */
import {R1Error} from '../core/errors.js'

export function decodeText(bytes: Uint8Array, what: string): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3), what)
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  const utf16 = guessUtf16(bytes)
  if (utf16) return new TextDecoder(utf16).decode(bytes)
  return utf8(bytes, what)
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    throw new R1Error('R1_USAGE', `${what} is not UTF-8 or UTF-16 text`, {
      suggestions: ['Save it as UTF-8 (in PowerShell: `nvidia-smi -q -x | Out-File -Encoding utf8 FILE`), then try again.'],
    })
  }
}

/** ASCII text saved as UTF-16 without a BOM: every other byte of the first ones is NUL. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 512)
  if (n < 4) return null
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++
    if (bytes[i + 1] === 0) oddNul++
  }

  const pairs = n / 2
  if (oddNul > pairs * 0.9 && evenNul === 0) return 'utf-16le'
  if (evenNul > pairs * 0.9 && oddNul === 0) return 'utf-16be'
  return null
}
