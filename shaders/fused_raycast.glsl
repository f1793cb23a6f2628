// IRPlan's fused CT + PET ray cast: fragment-shader code spliced into VTK 9.1's
// GPU ray caster (vtkOpenGLGPUVolumeRayCastMapper) through vtkShaderProperty.
// The volume has three 16-bit components on the CT grid: 0 = CT (HU + offset),
// 1 = PET resampled through the case transform (display units / scale),
// 2 = diffuse light of the CT's surfaces. Each sample gets the CT colour/opacity
// from a piecewise-linear preset (vessels, bone, soft tissue), the light, and the
// PET colour map on top; both are composited in one pass (front to back).
//
// The section after IRPLAN::Dec is added to //VTK::Shading::Dec (functions),
// the section after IRPLAN::Impl replaces //VTK::Shading::Impl (one sample).
// Uniforms u_* are declared by VTK from the custom uniforms render/ sets.
// Shading comes from a third component precomputed on the CPU (a light fixed to
// the patient, from the front and above): a gradient in the shader costs three
// more texture fetches per sample, and on Mesa's llvmpipe fetches are the frame
// time (branches do not help: both sides run for all pixels).

//IRPLAN::Dec
// Piecewise-linear CT transfer function: HU -> colour and opacity of one sample
// (render/ converts the presets' opacities per millimetre to the current ray step
// on the CPU: a per-sample pow() costs llvmpipe more than the whole rest).
vec4 irplanCtColour(float hu)
{
  if (hu <= u_ctHu[0]) return u_ctRgba[0];
  for (int i = 1; i < 8; ++i)
  {
    if (i >= u_ctCount) break;
    if (hu <= u_ctHu[i])
    {
      float f = (hu - u_ctHu[i - 1]) / max(u_ctHu[i] - u_ctHu[i - 1], 1e-3);
      return mix(u_ctRgba[i - 1], u_ctRgba[i], f);
    }
  }
  return u_ctRgba[u_ctCount - 1];
}

// The PET colour map as 16 evenly spaced colours (the same map as the slices).
vec3 irplanPetColour(float t)
{
  float x = clamp(t, 0.0, 1.0) * 15.0;
  int i = int(min(floor(x), 14.0));
  return mix(u_petTable[i], u_petTable[i + 1], x - float(i));
}

//IRPLAN::Impl
    if (!g_skip)
    {
      vec4 s = texture3D(in_volume[0], g_dataPos) * in_volume_scale[0] + in_volume_bias[0];
      float hu = mix(in_scalarsRange[0].x, in_scalarsRange[0].y, s.r) - u_ctOffset;
      vec4 ct = irplanCtColour(hu);
      // Diffuse light of the CT's surfaces, 1 where the CT is flat (u_shading 0: none).
      float light = mix(in_scalarsRange[2].x, in_scalarsRange[2].y, s.b) / 65535.0;
      ct.rgb *= mix(1.0, 0.25 + 0.75 * light, u_shading);
      vec4 pet = vec4(0.0);
      if (u_petOn > 0.5)
      {
        float value = mix(in_scalarsRange[1].x, in_scalarsRange[1].y, s.g) * u_petScale;
        // Colour over the whole PET window (as on the slices); opacity from u_petCut up.
        float t = (value - u_petLow) / max(u_petHigh - u_petLow, 1e-6);
        float opacity = (value - u_petCut) / max(u_petHigh - u_petCut, 1e-6);
        if (opacity > 0.0)
          pet = vec4(irplanPetColour(t), u_petOpacity * min(opacity, 1.0));
      }
      float a = 1.0 - (1.0 - ct.a) * (1.0 - pet.a);
      if (a > 0.0)
      {
        vec3 c = (ct.rgb * ct.a + pet.rgb * pet.a) / (ct.a + pet.a);
        g_fragColor.rgb += (1.0 - g_fragColor.a) * c * a;
        g_fragColor.a += (1.0 - g_fragColor.a) * a;
      }
    }
