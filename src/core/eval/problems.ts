/**
 * The built-in eval set: math problems with integer answers, written for r1 (not copied from a
 * published benchmark), from arithmetic to competition level. Every answer is recomputed by brute
 * force in test/core/eval-problems.test.ts.
 */
export interface Problem {
  id: string
  level: 'arithmetic' | 'school' | 'competition' | 'dataset'
  question: string
  answer: string
}

export const BUILTIN_PROBLEMS: readonly Problem[] = [
  {answer: '391', id: 'mul-17-23', level: 'arithmetic', question: 'Compute 17 × 23.'},
  {answer: '1267', id: 'pow-sum', level: 'arithmetic', question: 'Compute 2^10 + 3^5.'},
  {answer: '5913', id: 'add-sub', level: 'arithmetic', question: 'Compute 1234 + 5678 − 999.'},
  {answer: '5050', id: 'sum-1-100', level: 'arithmetic', question: 'What is the sum of the integers from 1 to 100?'},
  {answer: '3025', id: 'sum-cubes', level: 'arithmetic', question: 'Compute 1^3 + 2^3 + 3^3 + … + 10^3.'},
  {answer: '31', id: 'digits-2-20', level: 'arithmetic', question: 'What is the sum of the decimal digits of 2^20?'},
  {answer: '21', id: 'gcd', level: 'school', question: 'What is the greatest common divisor of 462 and 1071?'},
  {answer: '180', id: 'lcm', level: 'school', question: 'What is the least common multiple of 12, 18 and 30?'},
  {answer: '24', id: 'divisors-360', level: 'school', question: 'How many positive divisors does 360 have?'},
  {answer: '328', id: 'primes-below-50', level: 'school', question: 'What is the sum of all prime numbers less than 50?'},
  {answer: '610', id: 'fib-15', level: 'school', question: 'The Fibonacci numbers start F1 = 1, F2 = 1, and each later one is the sum of the two before it. What is F15?'},
  {answer: '120', id: 'choose-10-3', level: 'school', question: 'In how many ways can a committee of 3 people be chosen from 10 people?'},
  {answer: '84', id: 'heron', level: 'school', question: 'A triangle has sides of length 13, 14 and 15. What is its area?'},
  {answer: '29', id: 'hypotenuse', level: 'school', question: 'A right triangle has legs of length 20 and 21. How long is its hypotenuse?'},
  {answer: '8', id: 'quadratic-root', level: 'school', question: 'What is the larger root of x^2 − 13x + 40 = 0?'},
  {answer: '160', id: 'binomial-coeff', level: 'school', question: 'What is the coefficient of x^3 in the expansion of (1 + 2x)^6?'},
  {answer: '170', id: 'diagonals-20', level: 'school', question: 'How many diagonals does a convex polygon with 20 sides have?'},
  {answer: '90', id: 'palindromes', level: 'school', question: 'How many four-digit positive integers are palindromes (read the same forwards and backwards)?'},
  {answer: '210', id: 'lattice-paths', level: 'school', question: 'How many shortest paths along the grid lines go from (0, 0) to (6, 4), each step moving one unit right or one unit up?'},
  {answer: '467', id: 'div-3-or-5', level: 'school', question: 'How many integers from 1 to 1000 inclusive are divisible by 3 or by 5?'},
  {answer: '40', id: 'totient-100', level: 'school', question: 'How many integers n with 1 ≤ n ≤ 100 have no common factor with 100 other than 1?'},
  {answer: '360', id: 'sigma-120', level: 'school', question: 'What is the sum of all positive divisors of 120 (including 1 and 120)?'},
  {answer: '2', id: 'pow-mod-7', level: 'competition', question: 'What is the remainder when 2^100 is divided by 7?'},
  {answer: '49', id: 'last-two-digits', level: 'competition', question: 'What are the last two digits of 7^2026? Give them as a number from 0 to 99.'},
  {answer: '9', id: 'units-digit', level: 'competition', question: 'What is the units digit of 3^2026?'},
  {answer: '24', id: 'trailing-zeros', level: 'competition', question: 'How many zeros does 100! end with?'},
  {answer: '23', id: 'crt', level: 'competition', question: 'Find the smallest positive integer that leaves remainder 2 when divided by 3, remainder 3 when divided by 5, and remainder 2 when divided by 7.'},
  {answer: '44', id: 'derangements-5', level: 'competition', question: 'Five letters are put into five addressed envelopes, one per envelope. In how many ways can this be done so that no letter is in its own envelope?'},
  {answer: '9', id: 'factorial-sum-mod-12', level: 'competition', question: 'What is the remainder when 1! + 2! + 3! + … + 50! is divided by 12?'},
  {answer: '103', id: 'largest-prime-factor', level: 'competition', question: 'What is the largest prime factor of 9991?'},
  {answer: '89', id: 'domino-tilings', level: 'competition', question: 'In how many ways can a 2 × 10 board be tiled with 1 × 2 dominoes?'},
  {answer: '1430', id: 'catalan-8', level: 'competition', question: 'In how many ways can 8 pairs of parentheses be arranged so that they are correctly matched?'},
  {answer: '54', id: 'squares-or-cubes', level: 'competition', question: 'How many integers from 1 to 2026 inclusive are perfect squares or perfect cubes (or both)?'},
  {answer: '171', id: 'compositions-20', level: 'competition', question: 'How many ordered triples (a, b, c) of positive integers satisfy a + b + c = 20?'},
  {answer: '15', id: 'egyptian-12', level: 'competition', question: 'How many ordered pairs (x, y) of positive integers satisfy 1/x + 1/y = 1/12?'},
  {answer: '2000', id: 'n2-plus-1-mod-5', level: 'competition', question: 'Find the sum of all integers n with 1 ≤ n ≤ 100 such that n^2 + 1 is divisible by 5.'},
  {answer: '63', id: 'digit-sum-10', level: 'competition', question: 'How many positive integers less than 1000 have digits that add up to 10?'},
  {answer: '208', id: 'subsets-sum-div-5', level: 'competition', question: 'How many subsets of {1, 2, 3, …, 10} (including the empty set) have a sum divisible by 5?'},
  {answer: '500', id: 'fifth-powers-mod-1000', level: 'competition', question: 'What is the remainder when 1^5 + 2^5 + 3^5 + … + 100^5 is divided by 1000?'},
  {answer: '8', id: 'pythagorean-hyp-65', level: 'competition', question: 'How many ordered pairs (a, b) of positive integers satisfy a^2 + b^2 = 65^2?'},
]
