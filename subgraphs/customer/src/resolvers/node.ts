import type { NodeResult } from '../services/node-service';

export const Node = {
  __resolveType: (node: NodeResult) => node.__typename,
};
