import { commonResolvers } from '@omni/graphql';
import { Query } from './query';
import { Mutation } from './mutation';
import { Promotion } from './promotion';
import { Cart } from './cart';
import { CartQuote, CartQuoteLine } from './cart-quote';
import { CouponCode } from './coupon-code';
import { Product, Variant } from './badges';
import { Customer, PersonalOffer } from './personal-offer';

export const resolvers = { ...commonResolvers, Query, Mutation, Promotion, Cart, CartQuote, CartQuoteLine, CouponCode, Product, Variant, Customer, PersonalOffer };
