import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Cart, PickupOption, ShippingOption } from './cart';
import { CartLine } from './cart-line';
import { Customer, OrderConnection } from './customer';
import { Order, OrderLine, OrderReturn, OrderReturnLine } from './order';
import { StaffMember, StaffSalesConnection } from './staff-member';

export const resolvers = { ...commonResolvers, Query, Mutation, Cart, CartLine, ShippingOption, PickupOption, Customer, Order, OrderLine, OrderReturn, OrderReturnLine, OrderConnection, StaffMember, StaffSalesConnection };
