import { createRequire } from 'node:module';

/**
 * graphql-js as the gateway's schema was built with. Apollo's gateway and server load `graphql`
 * through Node's resolution (its CommonJS build); a bundler or test runner may hand this module
 * the ES build instead, and graphql-js refuses a schema made by the other copy. The live code
 * works on that schema, so it takes the functions from the same copy.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
