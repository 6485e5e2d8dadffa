import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Customer } from './customer';
import { Conversation } from './conversation';
import { Message } from './message';

export const resolvers = { ...commonResolvers, Query, Mutation, Customer, Conversation, Message };
