import { randomId } from "../http.ts";
import type { Metadata } from "./params.ts";

// Stripe's objects as its API returns them (PaymentIntent, Charge, Dispute),
// built from the sandbox's state. Shapes follow the example objects in
// shared/fixtures and the SDK's types.

type Json = Record<string, unknown>;


export function paymentIntentObject(input: {
  id: string;
  amount: number;
  currency: string;
  metadata: Metadata;
  description: string | null;
  created: number;
  status: string;
  latestCharge: string | null;
}): Json {
  return {
    id: input.id,
    object: "payment_intent",
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: input.status === "succeeded" ? input.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${input.id}_secret_${randomId("", 25)}`,
    confirmation_method: "automatic",
    created: input.created,
    currency: input.currency,
    customer: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: input.latestCharge,
    livemode: false,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: randomId("pm_1Q"),
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function chargeObject(input: {
  id: string;
  intentId: string;
  amount: number;
  currency: string;
  metadata: Metadata;
  created: number;
}): Json {
  return {
    id: input.id,
    object: "charge",
    amount: input.amount,
    amount_captured: input.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: randomId("txn_3Q"),
    billing_details: {
      address: { city: null, country: "US", line1: null, line2: null, postal_code: "10001", state: null },
      email: "shopper@sandbox.test",
      name: "Sandbox Shopper",
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "SANDBOX",
    captured: true,
    created: input.created,
    currency: input.currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...input.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 20,
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: input.intentId,
    payment_method: randomId("pm_1Q"),
    payment_method_details: {
      card: {
        amount_authorized: input.amount,
        brand: "visa",
        checks: { address_line1_check: null, address_postal_code_check: "pass", cvc_check: "pass" },
        country: "US",
        exp_month: 12,
        exp_year: 2034,
        funding: "credit",
        last4: "4242",
        network: "visa",
        three_d_secure: null,
        wallet: null,
      },
      type: "card",
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: { object: "list", data: [], has_more: false, total_count: 0, url: `/v1/charges/${input.id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

export function disputeObject(input: {
  id: string;
  charge: string;
  intentId: string;
  amount: number;
  currency: string;
  reason: string;
  created: number;
  dueBy: number;
}): Json {
  return {
    id: input.id,
    object: "dispute",
    amount: input.amount,
    balance_transactions: [],
    charge: input.charge,
    created: input.created,
    currency: input.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: null,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: { due_by: input.dueBy, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: input.intentId,
    payment_method_details: { card: { brand: "visa", case_type: "chargeback", network_reason_code: "10.4" }, type: "card" },
    reason: input.reason,
    status: "needs_response",
  };
}

