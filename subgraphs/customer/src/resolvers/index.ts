import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Customer } from './customer';
import { LoyaltyAccount, LoyaltyEntry } from './loyalty';
import { Node } from './node';
import { StaffMember } from './staff-member';
import { CustomerMerge, CustomerSegment, TimelineEntry } from './timeline-entry';

export const resolvers = { ...commonResolvers, Query, Mutation, Node, Customer, StaffMember, LoyaltyAccount, LoyaltyEntry, TimelineEntry, CustomerMerge, CustomerSegment };
