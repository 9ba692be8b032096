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
    slug: "retail-demand-forecaster",
    title: "Retail Demand Forecasting Model",
    summary: "Weekly demand forecasts per store and item, with prediction intervals.",
    description:
      "A gradient-boosted forecaster trained on three years of anonymised grocery sales. Takes prices, promotions and holidays as inputs and returns weekly forecasts with 80% and 95% intervals.",
    kind: "MODEL",
    price: 5900,
    currency: "USD",
    verificationLevel: "CERTIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [
      readme("Retail Demand Forecasting Model", "Feed one row per store, item and week; see features.json for the columns."),
      json("features.json", { required: ["store_id", "item_id", "week", "price"], optional: ["promotion", "holiday"] }),
    ],
  },
  {
    slug: "code-review-prompts",
    title: "Code Review Prompt Library",
    summary: "45 prompts for reviewing pull requests: bugs, tests, naming and security.",
    description:
      "Review prompts that ask for one kind of finding at a time, each with an example diff and the answer it should give. Works with any chat model that reads unified diffs.",
    kind: "PROMPT_PACK",
    price: 1400,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("review-prompts.txt", ["1. List every input this change does not validate.", "2. Name the test that would fail if this line were removed."])],
  },
  {
    slug: "recipe-steps-50k",
    title: "Cooking Recipe Steps Dataset (50k)",
    summary: "50,000 recipes split into ordered steps with ingredients and timings.",
    description:
      "Home-cooking recipes contributed under an open licence, normalised into steps, ingredient quantities in metric units and active and waiting times, for instruction-following and planning tasks.",
    kind: "DATASET",
    price: 2400,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Cooking Recipe Steps", "One JSON line per recipe; steps are in order."),
      csv("steps-sample.csv", [["recipe", "step", "text"], ["r001", "1", "Rinse the rice until the water runs clear."], ["r001", "2", "Simmer for 12 minutes."]]),
    ],
  },
  {
    slug: "meeting-notes-agent",
    title: "Meeting Notes Agent",
    summary: "Turns call transcripts into decisions, owners and due dates.",
    description:
      "An agent that reads a transcript, separates decisions from discussion, assigns each action to the person who took it on and drafts the follow-up message. Includes 20 evaluation transcripts.",
    kind: "AGENT",
    price: 3900,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [json("agent.json", { tools: ["extract_actions", "draft_follow_up"], output: ["decisions", "actions", "open_questions"] })],
  },
  {
    slug: "street-sign-ocr",
    title: "Street Sign OCR Model",
    summary: "Reads street and shop signs in photos taken from a moving car.",
    description:
      "A text-recognition model tuned for motion blur, glare and slanted signs. Returns each sign's text with a bounding box and a confidence score.",
    kind: "MODEL",
    price: 1900,
    currency: "USD",
    verificationLevel: "UNVERIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [json("model_card.json", { task: "scene-text-recognition", input: "RGB image", output: ["text", "box", "confidence"] })],
  },
  {
    slug: "product-description-prompts",
    title: "Product Description Prompt Kit",
    summary: "Prompts that write shop descriptions from a list of features.",
    description:
      "Turns bullet points into product descriptions in three lengths and four tones, with a checklist prompt that flags claims the features do not support.",
    kind: "PROMPT_PACK",
    price: 900,
    currency: "USD",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("description-prompts.txt", ["Write a 50-word description of {product} from these features: {features}.", "List every claim above that the features do not support."])],
  },
  {
    slug: "synthetic-bank-transactions-1m",
    title: "Synthetic Bank Transactions (1M)",
    summary: "One million generated card transactions with labelled fraud cases.",
    description:
      "Generated accounts and card transactions that follow real spending patterns without describing any real person, with 0.4% labelled fraud for training and testing detectors.",
    kind: "DATASET",
    price: 4900,
    currency: "USD",
    verificationLevel: "CERTIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Synthetic Bank Transactions", "Columns: account, timestamp, amount, merchant_category, is_fraud."),
      csv("sample.csv", [["account", "timestamp", "amount", "merchant_category", "is_fraud"], ["a0001", "2026-01-04T10:12:00Z", "23.40", "grocery", "0"]]),
    ],
  },
  {
    slug: "korean-spelling-corrector",
    title: "한국어 맞춤법 교정 모델",
    summary: "Korean spelling and spacing corrector for user-written text.",
    description:
      "띄어쓰기와 맞춤법 오류를 고치는 교정 모델. Trained on pairs of informal posts and their edited versions; keeps slang it was not asked to change.",
    kind: "MODEL",
    price: 55000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [json("config.json", { task: "spelling-correction", max_length: 512, language: "ko" })],
  },
  {
    slug: "seoul-restaurant-reviews-30k",
    title: "Seoul Restaurant Reviews Dataset (30k)",
    summary: "30,000 restaurant reviews from Seoul with ratings and aspects.",
    description:
      "Reviews written in Korean with a star rating and aspect labels for taste, price, service and atmosphere, split by district.",
    kind: "DATASET",
    price: 35000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      readme("Seoul Restaurant Reviews", "Columns: district, rating, text, aspects."),
      csv("reviews-sample.csv", [["district", "rating", "text"], ["마포구", "5", "국물이 진하고 양이 많아요"], ["종로구", "3", "맛있지만 대기가 길어요"]]),
    ],
  },
  {
    slug: "blog-writing-prompts",
    title: "블로그 글쓰기 프롬프트 팩",
    summary: "Prompts for Korean blog posts: outlines, intros and closing lines.",
    description: "주제 하나로 개요, 도입부, 소제목, 마무리 문장을 차례로 만드는 블로그 글쓰기 프롬프트 40개.",
    kind: "PROMPT_PACK",
    price: 8000,
    currency: "KRW",
    verificationLevel: "UNVERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("blog-prompts.txt", ["1. {주제}에 대한 블로그 글의 개요를 5단계로 써 주세요.", "2. 독자의 질문으로 시작하는 도입부를 써 주세요."])],
  },
  {
    slug: "online-store-chat-agent",
    title: "쇼핑몰 상담 챗봇 에이전트",
    summary: "Korean shop assistant agent for delivery, exchange and size questions.",
    description:
      "배송 조회, 교환과 반품, 사이즈 문의에 답하는 상담 에이전트. Tool schemas for order look-up and a hand-off rule for complaints.",
    kind: "AGENT",
    price: 89000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [
      json("agent.json", { tools: ["lookup_delivery", "start_exchange", "handoff"], language: "ko" }),
      readme("쇼핑몰 상담 챗봇 에이전트", "agent.json의 도구를 쇼핑몰 API에 연결하세요."),
    ],
  },
  {
    slug: "hangul-handwriting-recognition",
    title: "Hangul Handwriting Recognition Model",
    summary: "Recognises handwritten Hangul syllables from scanned forms.",
    description:
      "A recognition model for the 2,350 most common Hangul syllables, trained on scanned application forms and tested on writers it never saw.",
    kind: "MODEL",
    price: 42000,
    currency: "KRW",
    verificationLevel: "CERTIFIED",
    sellerEmail: NEURAL_FORGE,
    published: true,
    files: [json("model_card.json", { classes: 2350, input: "64x64 grayscale", test_accuracy: 0.962 })],
  },
  {
    slug: "drama-subtitle-pairs-200k",
    title: "K-Drama Subtitle Pairs (ko-en, 200k)",
    summary: "200,000 aligned Korean and English subtitle lines.",
    description:
      "Sentence-aligned subtitle pairs from licensed drama releases, with speaker turns kept together, for translation and dialogue models.",
    kind: "DATASET",
    price: 70000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: DATA_HARBOR,
    published: true,
    files: [csv("pairs-sample.csv", [["ko", "en"], ["오늘은 일찍 들어갈게.", "I will be home early today."], ["괜찮아, 천천히 해.", "It's fine, take your time."]])],
  },
  {
    slug: "shop-listing-prompts",
    title: "Online Shop Listing Prompts (Korean)",
    summary: "Korean product names, keywords and option labels for online shops.",
    description:
      "상품명, 검색 키워드, 옵션 이름을 만드는 프롬프트 30개. Each prompt keeps within the length limits of common Korean shop platforms.",
    kind: "PROMPT_PACK",
    price: 11000,
    currency: "KRW",
    verificationLevel: "VERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [text("listing-prompts.txt", ["1. {상품}의 상품명을 50자 이내로 3개 제안해 주세요.", "2. 검색 키워드 10개를 쉼표로 나눠 써 주세요."])],
  },
  {
    slug: "daily-planner-agent",
    title: "Daily Schedule Planner Agent",
    summary: "Plans a day around fixed appointments, breaks and travel time.",
    description:
      "An agent that takes a to-do list and a calendar, asks about anything unclear, and proposes a schedule with travel time and breaks, in Korean or English.",
    kind: "AGENT",
    price: 25000,
    currency: "KRW",
    verificationLevel: "UNVERIFIED",
    sellerEmail: PROMPT_ATELIER,
    published: true,
    files: [json("agent.json", { tools: ["read_calendar", "propose_schedule"], languages: ["ko", "en"] })],
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
