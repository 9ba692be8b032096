// The demo catalog: who sells what. Prices are minor units (USD cents, KRW won).
import type { CurrencyCode } from "../app/services/money";

export const DEMO_PASSWORD = "marketplace-demo";

export interface SeedUser {
  email: string;
  displayName: string;
  isSeller: boolean;
}

export interface SeedFile {
  filename: string;
  contentType: string;
  content: string;
}

export interface SeedProduct {
  slug: string;
  title: string;
  summary: string;
  description: string;
  kind: "MODEL" | "PROMPT_PACK" | "DATASET" | "AGENT";
  price: number;
  currency: CurrencyCode;
  verificationLevel: "UNVERIFIED" | "VERIFIED" | "CERTIFIED";
  sellerEmail: string;
  published: boolean;
  files: SeedFile[];
}

export const DEMO_BUYER: SeedUser = {
  email: "buyer@example.com",
  displayName: "Demo Buyer",
  isSeller: false,
};

export const SELLERS: SeedUser[] = [
  { email: "neuralforge@example.com", displayName: "Neural Forge Labs", isSeller: true },
  { email: "promptatelier@example.com", displayName: "프롬프트공방 Prompt Atelier", isSeller: true },
  { email: "dataharbor@example.com", displayName: "DataHarbor", isSeller: true },
];

const [NEURAL_FORGE, PROMPT_ATELIER, DATA_HARBOR] = SELLERS.map((seller) => seller.email);

function readme(title: string, body: string): SeedFile {
  return { filename: "README.md", contentType: "text/markdown; charset=utf-8", content: `# ${title}\n\n${body}\n` };
}

function json(filename: string, value: unknown): SeedFile {
  return { filename, contentType: "application/json", content: `${JSON.stringify(value, null, 2)}\n` };
}

function csv(filename: string, rows: string[][]): SeedFile {
  return { filename, contentType: "text/csv; charset=utf-8", content: rows.map((row) => row.join(",")).join("\n") + "\n" };
}

function text(filename: string, lines: string[]): SeedFile {
  return { filename, contentType: "text/plain; charset=utf-8", content: lines.join("\n") + "\n" };
}

export const PRODUCTS: SeedProduct[] = [
  {
    slug: "legal-summarizer-lora",
    title: "Llama 3 8B Legal Summarizer (LoRA)",
    summary: "LoRA adapter that turns contracts into plain-language summaries.",
    description:
      "A LoRA adapter for Llama 3 8B fine-tuned on 40,000 public contracts and their plain-language summaries. Keeps clause references, flags unusual indemnities and runs on a single 24 GB GPU.",
    kind: "MODEL",
    price: 4900,
    currency: "USD",
    verificationLevel: "CERTIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [
      readme("Llama 3 8B Legal Summarizer", "Load the adapter with PEFT on top of the base model. Rank 16, alpha 32."),
      json("adapter_config.json", { base_model: "llama-3-8b", r: 16, lora_alpha: 32, target_modules: ["q_proj", "v_proj"] }),
    ],
  },
  {
    slug: "background-remover-v2",
    title: "Product Photo Background Remover v2",
    summary: "Segmentation model for clean e-commerce cut-outs.",
    description:
      "A compact segmentation model trained on studio and phone product photos. Exports to ONNX, runs in 40 ms per image on a laptop CPU and keeps fine edges such as hair and glass.",
    kind: "MODEL",
    price: 2900,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [
      readme("Background Remover v2", "Input 512x512 RGB, output a single-channel alpha mask."),
      json("model_card.json", { architecture: "u2net-lite", input: [1, 3, 512, 512], license: "commercial" }),
    ],
  },
  {
    slug: "support-agent-starter",
    title: "Customer Support Agent Starter Kit",
    summary: "Tool-using support agent with ticket triage and refund policies.",
    description:
      "An agent blueprint with prompts, tool schemas and evaluation cases for first-line customer support: triage, order look-up, refund eligibility and hand-off to a person.",
    kind: "AGENT",
    price: 7900,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Customer Support Agent Starter Kit", "Start with agent.json, then run the evaluation cases."),
      json("agent.json", { tools: ["lookup_order", "check_refund_policy", "handoff"], max_turns: 12 }),
      csv("eval_cases.csv", [["question", "expected_tool"], ["Where is my order 1042?", "lookup_order"], ["Can I return an opened box?", "check_refund_policy"]]),
    ],
  },
  {
    slug: "sql-copilot-prompts",
    title: "SQL Copilot Prompt Pack",
    summary: "60 prompts that turn questions into correct, explainable SQL.",
    description:
      "Prompts for schema discovery, query drafting, explaining plans and fixing slow queries, tested on PostgreSQL and MySQL schemas.",
    kind: "PROMPT_PACK",
    price: 1250,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("sql-prompts.txt", ["1. Describe the tables that answer: {question}", "2. Write one query, then explain each join."])],
  },
  {
    slug: "multilingual-sentiment-120k",
    title: "Multilingual Sentiment Dataset (120k)",
    summary: "120,000 labelled reviews in 9 languages.",
    description:
      "Product and app-store reviews in nine languages, each labelled negative, neutral or positive by two annotators, with agreement scores and a held-out test split.",
    kind: "DATASET",
    price: 3500,
    currency: "USD",
    verificationLevel: "CERTIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Multilingual Sentiment Dataset", "Columns: text, language, label, agreement."),
      csv("sample.csv", [["text", "language", "label"], ["Great battery life", "en", "positive"], ["배송이 너무 늦어요", "ko", "negative"]]),
    ],
  },
  {
    slug: "invoice-extraction-agent",
    title: "Invoice Extraction Agent",
    summary: "Reads PDF invoices and returns validated line items.",
    description:
      "An extraction agent with a JSON schema for invoices, a validation pass for totals and tax, and prompts for 14 common invoice layouts.",
    kind: "AGENT",
    price: 9900,
    currency: "USD",
    verificationLevel: "UNVERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [json("invoice.schema.json", { type: "object", required: ["vendor", "total", "lines"] })],
  },
  {
    slug: "korean-marketing-copy-prompts",
    title: "한국어 마케팅 카피 프롬프트 팩",
    summary: "Korean ad copy prompts for banners, push messages and landing pages.",
    description:
      "배너, 푸시 알림, 랜딩 페이지용 한국어 카피 프롬프트 80개. Each prompt carries tone, length and audience slots.",
    kind: "PROMPT_PACK",
    price: 15000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [
      text("프롬프트-목록.txt", ["1. {제품}의 장점을 20자 이내 배너 문구로 써 주세요.", "2. {타깃}에게 보내는 푸시 알림 3개를 써 주세요."]),
      readme("한국어 마케팅 카피 프롬프트 팩", "사용법: 중괄호 안의 값을 바꿔 넣으세요."),
    ],
  },
  {
    slug: "korean-speech-commands",
    title: "Korean Speech Commands Dataset",
    summary: "35 spoken Korean commands from 1,200 speakers.",
    description:
      "Short utterances of 35 Korean voice commands recorded by 1,200 consenting speakers, with speaker metadata and train, validation and test splits.",
    kind: "DATASET",
    price: 45000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Korean Speech Commands", "16 kHz mono WAV, one folder per command."),
      csv("metadata-sample.csv", [["file", "command", "speaker"], ["0001.wav", "켜줘", "s001"], ["0002.wav", "꺼줘", "s002"]]),
    ],
  },
  {
    slug: "kobert-review-sentiment",
    title: "KoBERT 리뷰 감성 분류 모델",
    summary: "Korean review sentiment classifier with 94% accuracy.",
    description:
      "KoBERT fine-tuned on shopping and restaurant reviews. 긍정/부정/중립 3-class output, 94% accuracy on the held-out set, with an ONNX export.",
    kind: "MODEL",
    price: 39000,
    currency: "KRW",
    verificationLevel: "CERTIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [json("config.json", { labels: ["negative", "neutral", "positive"], max_length: 256 })],
  },
  {
    slug: "youtube-shorts-script-prompts",
    title: "유튜브 쇼츠 대본 프롬프트 모음",
    summary: "Prompts for 30-second YouTube Shorts scripts.",
    description: "훅, 본문, 콜투액션 구조의 30초 쇼츠 대본 프롬프트 50개.",
    kind: "PROMPT_PACK",
    price: 9900,
    currency: "KRW",
    verificationLevel: "UNVERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("shorts-prompts.txt", ["훅: 첫 3초 안에 {주제}의 반전을 보여 주세요.", "CTA: 구독을 부탁하는 한 문장."])],
  },
  {
    slug: "korean-legal-qa-8k",
    title: "Korean Legal QA Pairs (8k)",
    summary: "8,000 question-answer pairs grounded in Korean statutes.",
    description:
      "Questions written by law students with answers citing the article they rely on, for retrieval-augmented generation and evaluation.",
    kind: "DATASET",
    price: 60000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      csv("qa-sample.csv", [["question", "answer", "citation"], ["임대차 계약 갱신 요구는 언제까지?", "만료 6개월 전부터 2개월 전까지", "주택임대차보호법 제6조의3"]]),
      readme("Korean Legal QA Pairs", "Each answer cites the statute article it relies on."),
      json("splits.json", { train: 6400, validation: 800, test: 800 }),
    ],
  },
  {
    slug: "webtoon-style-prompts",
    title: "Midjourney Webtoon Style Prompts",
    summary: "Image prompts for consistent Korean webtoon characters.",
    description:
      "Character sheets, panel layouts and colouring prompts that keep a webtoon character consistent across scenes.",
    kind: "PROMPT_PACK",
    price: 12000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("webtoon-prompts.txt", ["webtoon style, clean line art, {character}, three-quarter view --ar 2:3"])],
  },
  {
    slug: "voice-clone-draft",
    title: "Experimental Voice Clone Model (draft)",
    summary: "Not released yet.",
    description: "A draft listing that is not for sale until its consent review is finished.",
    kind: "MODEL",
    price: 1900,
    currency: "USD",
    verificationLevel: "UNVERIFIED",
    sellerEmail: NEURAL_FORGE,
    published: false,
    files: [readme("Voice Clone (draft)", "Not for sale.")],
  },
];
