/** Catalog reads share the statement cache of every subgraph (see `preparedOnce` in @omni/db). */
export { preparedOnce } from '@omni/db';
