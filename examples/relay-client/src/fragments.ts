// A small Relay client of the public schema: refetchable fragments on Product, Customer and Cart
// (through `Query.node`) and paginated connections. relay-compiler checks these against
// apps/gateway/schema.graphql; apps/gateway/test/client-tooling.test.ts runs it.
const graphql = String.raw;

export const productCard = graphql`
  fragment fragmentsProductCard_product on Product @refetchable(queryName: "ProductCardRefetchQuery") {
    id
    title
    priceRange {
      min {
        amount
        currencyCode
      }
    }
  }
`;

export const cartSummary = graphql`
  fragment fragmentsCartSummary_cart on Cart @refetchable(queryName: "CartSummaryRefetchQuery") {
    id
    version
    totalQuantity
    total {
      amount
      currencyCode
    }
  }
`;

export const customerOrders = graphql`
  fragment fragmentsCustomerOrders_customer on Customer
  @refetchable(queryName: "CustomerOrdersPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" }) {
    id
    displayName
    cart {
      ...fragmentsCartSummary_cart
    }
    orders(first: $first, after: $after) @connection(key: "CustomerOrders_orders") {
      edges {
        node {
          id
          placedAt
        }
      }
    }
  }
`;

export const productList = graphql`
  fragment fragmentsProductList_query on Query
  @refetchable(queryName: "ProductListPaginationQuery")
  @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" }) {
    products(first: $first, after: $after) @connection(key: "ProductList_products") {
      edges {
        node {
          id
          ...fragmentsProductCard_product
        }
      }
    }
  }
`;

export const storefrontQuery = graphql`
  query fragmentsStorefrontQuery {
    ...fragmentsProductList_query
    me {
      ...fragmentsCustomerOrders_customer
    }
  }
`;
