import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Category, Product } from './product';
import { Variant } from './variant';
import { Location } from './location';
import { InventoryAdjustment, StockLevel } from './inventory';

export const resolvers = { ...commonResolvers, Query, Mutation, Product, Category, Variant, Location, StockLevel, InventoryAdjustment };
