// Reading the config.json of the checkpoint layouts besides HF llava
// (config.h's CheckpointLayout): the original LLaVA repository's flat
// layout and TinyLLaVA Factory's. Internal to the model component; the
// readers shared with config.cpp's HF llava path are declared here too.
// No libtorch.
#pragma once

#include <string>

#include "xmas/model/config.h"
#include "xmas/model/config_json.h"
#include "xmas/model/family.h"

namespace xmas::model {

// Which layout a parsed config.json is in, from model_type (and, for a
// model_type "llava", whether the LLM fields sit at the top level beside
// mm_vision_tower, as the original LLaVA code and TinyLLaVA v1 write them).
Result<CheckpointLayout> DetectLayout(const Json& j, const std::string& source);

// Original LLaVA / TinyLLaVA v1: LLM fields at the top level; the decoder
// family from architectures (LlavaLlamaForCausalLM, LlavaMistralForCausalLM,
// TinyLlava{Llama,Stablelm,Phi}ForCausalLM) or model_type; the tower from
// mm_vision_tower, a known hub name or a folder (absolute, or relative to the
// config's folder) holding the tower's config.json; mm_hidden_size,
// mm_vision_select_layer/_feature, mm_projector_type, image_aspect_ratio.
// The image placeholder is LLaVA's IMAGE_TOKEN_INDEX, -200.
Result<ModelConfig> ReadFlatLlavaConfig(const Json& j, const std::string& source);

// TinyLLaVA Factory (TinyLlavaConfig): text_config and vision_config as the
// HF sub-configs, connector_type, vision_feature_layer/_select_strategy,
// image_aspect_ratio, image_token_index (-200).
Result<ModelConfig> ReadTinyLlavaConfig(const Json& j, const std::string& source);

// Shared with config.cpp.
Status ReadTextFields(const Json& j, const std::string& source, const std::string& prefix,
                      const DecoderFamily* family, TextConfig* t);
Status ReadText(const Json& text_config, const std::string& source, TextConfig* t);  // text_config.*
Result<VisionConfig> ReadVisionConfig(const Json& v, const std::string& source, const std::string& prefix);
Status ReadTop(const Json& j, const std::string& source, ModelConfig* c);  // HF llava top-level fields
Result<ModelConfig> Validated(ModelConfig c, const std::string& source);   // Validate, errors prefixed

}  // namespace xmas::model
