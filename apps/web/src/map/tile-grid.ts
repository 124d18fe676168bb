/** Hand-placed tile positions [column, row] of the 35 labour-market regions, roughly as on the map. */
export const REGION_TILES: Record<string, [number, number]> = {
  AM15: [2, 0], AM02: [4, 0], AM01: [6, 0],
  AM17: [2, 1], AM11: [3, 1], AM36: [5, 1], AM03: [6, 1],
  AM37: [1, 2], AM18: [2, 2], AM12: [3, 2], AM06: [5, 2], AM05: [6, 2],
  AM19: [1, 3], AM13: [2, 3], AM14: [3, 3], AM38: [4, 3], AM07: [5, 3], AM09: [6, 3],
  AM21: [0, 4], AM34: [1, 4], AM20: [2, 4], AM10: [4, 4], AM08: [5, 4],
  AM22: [1, 5], AM23: [2, 5], AM35: [3, 5], AM27: [4, 5], AM29: [5, 5],
  AM24: [0, 6], AM25: [1, 6], AM26: [2, 6], AM28: [3, 6], AM32: [4, 6],
  AM33: [4, 7],
  AM30: [4, 8],
};
