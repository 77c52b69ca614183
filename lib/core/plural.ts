/** `1 run`, `2 runs`, `0 runs`; `many` for irregular plurals (`1 gateway or VPN connection`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
