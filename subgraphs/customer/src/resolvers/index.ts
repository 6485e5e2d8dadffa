import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Customer } from './customer';
import { StaffMember } from './staff-member';

export const resolvers = { ...commonResolvers, Query, Mutation, Customer, StaffMember };
