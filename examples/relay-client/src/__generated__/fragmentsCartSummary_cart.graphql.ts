/**
 * @generated SignedSource<<c4d3fbe06ec5bd40b14175387795fa02>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ReaderFragment } from 'relay-runtime';
import { FragmentRefs } from "relay-runtime";
export type fragmentsCartSummary_cart$data = {
  readonly id: string;
  readonly total: {
    readonly amount: any;
    readonly currencyCode: string;
  };
  readonly totalQuantity: number;
  readonly version: number;
  readonly " $fragmentType": "fragmentsCartSummary_cart";
};
export type fragmentsCartSummary_cart$key = {
  readonly " $data"?: fragmentsCartSummary_cart$data;
  readonly " $fragmentSpreads": FragmentRefs<"fragmentsCartSummary_cart">;
};

import CartSummaryRefetchQuery_graphql from './CartSummaryRefetchQuery.graphql';

const node: ReaderFragment = {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": {
    "refetch": {
      "connection": null,
      "fragmentPathInResult": [
        "node"
      ],
      "operation": CartSummaryRefetchQuery_graphql,
      "identifierInfo": {
        "identifierField": "id",
        "identifierQueryVariableName": "id"
      }
    }
  },
  "name": "fragmentsCartSummary_cart",
  "selections": [
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "id",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "version",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "totalQuantity",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "concreteType": "Money",
      "kind": "LinkedField",
      "name": "total",
      "plural": false,
      "selections": [
        {
          "alias": null,
          "args": null,
          "kind": "ScalarField",
          "name": "amount",
          "storageKey": null
        },
        {
          "alias": null,
          "args": null,
          "kind": "ScalarField",
          "name": "currencyCode",
          "storageKey": null
        }
      ],
      "storageKey": null
    }
  ],
  "type": "Cart",
  "abstractKey": null
};

(node as any).hash = "35e37f615d1b0c5234d41a6f3f111885";

export default node;
