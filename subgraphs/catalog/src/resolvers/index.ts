import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Category, Product } from './product';
import { Variant, VariantFulfillment } from './variant';
import { Location } from './location';
import { InventoryAdjustment, InventoryReservation, StockLevel } from './inventory';

export const resolvers = {
  ...commonResolvers,
  Query,
  Mutation,
  Product,
  Category,
  Variant,
  VariantFulfillment,
  Location,
  StockLevel,
  InventoryAdjustment,
  InventoryReservation,
};
