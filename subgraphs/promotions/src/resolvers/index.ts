import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Promotion } from './promotion';
import { Cart } from './cart';

export const resolvers = { ...commonResolvers, Query, Mutation, Promotion, Cart };
